/**
 * The viewer's address behind a proxy (`--trusted-proxy`): a connection from a trusted proxy is
 * counted (sessions per address) by the address its `X-Forwarded-For` names. The header is read
 * from the right, the end the proxies append to: each hop that is itself a trusted proxy is
 * skipped, and the first one that is not is the viewer. What a viewer writes into the header
 * stays to the left of the address its proxy appended, so it cannot pass for someone else. With
 * no trusted proxies (the default), or a connection straight from a viewer, the header is ignored.
 */
import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";
import { remoteAddress } from "../auth/common.ts";
import { parseCidrs, within } from "../auth/header.ts";

/** `loopback,10.0.0.0/8` → the proxies to believe (`loopback` is 127.0.0.0/8 and ::1); null for none. */
export function trustedProxies(list: string[] | undefined): BlockList | null {
  const entries = (list ?? []).filter((entry) => entry.trim());
  return entries.length ? parseCidrs(entries) : null;
}

/** `::ffff:10.0.0.1` → `10.0.0.1`; `[::1]:443` → `::1`; `10.0.0.1:5000` → `10.0.0.1`; anything else → null. */
function bare(hop: string): string | null {
  let address = hop.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(":"));
  if (address.toLowerCase().startsWith("::ffff:") && isIP(address.slice(7)) === 4) address = address.slice(7);
  return isIP(address) ? address : null;
}

/** The address a request counts as: its peer's, or behind trusted proxies the viewer's they name. */
export function clientAddress(req: IncomingMessage, proxies: BlockList | null): string {
  let address = remoteAddress(req);
  const header = req.headers["x-forwarded-for"];
  if (!proxies || !header || !within(proxies, address)) return address;
  const hops = (Array.isArray(header) ? header.join(",") : header).split(",");
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = bare(hops[i]!);
    if (!hop) break; // not an address: the last hop we could read is as far as we can see
    address = hop;
    if (!within(proxies, hop)) break;
  }
  return address;
}
