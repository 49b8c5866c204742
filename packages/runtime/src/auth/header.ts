/**
 * `--auth header:X-Forwarded-Email`: a proxy in front (oauth2-proxy, nginx `auth_request`,
 * Pomerium) signs the viewer in and names them in a header. The header is believed only from
 * the `--trusted-proxy` addresses (default: loopback); anyone else could simply send it.
 */
import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";
import { header, maxTokenBytes, refuse, remoteAddress, type Verdict } from "./common.ts";

/** `10.0.0.0/8,192.168.1.7,::1/128,loopback` → a BlockList (throws naming a malformed entry). */
export function parseCidrs(list: string[]): BlockList {
  const blocks = new BlockList();
  const entries = list.map((entry) => entry.trim()).filter(Boolean);
  for (const raw of entries.flatMap((entry) => (entry === "loopback" ? loopbackProxies : [entry]))) {
    const [address = "", bits] = raw.split("/");
    const family = isIP(address);
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    if (!family || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32))
      throw new Error(`--trusted-proxy: "${raw}" is not an address, a CIDR range (e.g. 10.0.0.0/8) or loopback.`);
    blocks.addSubnet(address, prefix, family === 6 ? "ipv6" : "ipv4");
  }
  return blocks;
}

export const loopbackProxies = ["127.0.0.0/8", "::1/128"];

/** Is `address` (an IP address) in `blocks`? */
export function within(blocks: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && blocks.check(address, family === 6 ? "ipv6" : "ipv4");
}

export function headerVerifier(name: string, trusted: string[]): (req: IncomingMessage) => Verdict {
  const blocks = parseCidrs(trusted.length ? trusted : loopbackProxies);
  const lower = name.toLowerCase();
  return (req) => {
    const from = remoteAddress(req);
    if (!within(blocks, from)) return refuse(403, `header: ${from} is not a trusted proxy (--trusted-proxy); its ${name} header is ignored`);
    const value = header(req, lower)?.trim();
    if (!value) return refuse(401, `header: the request from the proxy at ${from} carries no ${name} header`);
    if (value.length > maxTokenBytes) return refuse(401, `header: ${name} is longer than 16 KB`);
    const groups = (header(req, "x-forwarded-groups") ?? "")
      .split(",")
      .map((g) => g.trim())
      .filter(Boolean);
    const email = value.includes("@") ? value : "";
    return { ok: true, user: { email, name: header(req, "x-forwarded-user")?.trim() || value, sub: value, groups, claims: {} } };
  };
}
