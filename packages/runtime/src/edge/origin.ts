/**
 * Which pages may open the WebSocket. A browser sends the page's origin with every upgrade; a page
 * from another site must not reach a viewer's session (cross-site WebSocket hijacking), nor a
 * server on the viewer's own machine through a name that resolves to 127.0.0.1 (DNS rebinding:
 * `Origin` and `Host` then both say `evil.example:8501`, so comparing them proves nothing).
 *
 * - With `--public-url`, only that origin (and `--allow-origin`s) is accepted.
 * - Without it, only an origin whose host is a loopback name or an IP address (neither can be
 *   rebound) and is the very host the request was sent to. Any other name needs `--public-url`.
 */
import { isIP } from "node:net";
import { isLoopback } from "../auth/common.ts";

export interface OriginPolicy {
  /** `--public-url`, e.g. `https://dash.example.com` (its origin is compared). */
  publicUrl?: string | undefined;
  /** `--allow-origin`: more origins, compared exactly. */
  allowed?: string[] | undefined;
}

export type OriginVerdict = { ok: true } | { ok: false; why: string };

/** The origin (`scheme://host[:port]`) of `--public-url`, or a clear error. */
export function publicOrigin(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--public-url must be an absolute URL such as https://dash.example.com (got ${JSON.stringify(url)}).`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new Error(`--public-url must be an http(s) URL (got ${JSON.stringify(url)}).`);
  return parsed.origin;
}

export function checkOrigin(origin: string | undefined, hostHeader: string | undefined, policy: OriginPolicy): OriginVerdict {
  if (origin === undefined) return { ok: true }; // not a browser: browsers always send Origin on WebSocket upgrades
  if (policy.allowed?.includes(origin)) return { ok: true };
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return { ok: false, why: "the Origin is not a URL" };
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return { ok: false, why: "the Origin is not http(s)" };
  if (policy.publicUrl) {
    return parsed.origin === publicOrigin(policy.publicUrl)
      ? { ok: true }
      : { ok: false, why: `it is not --public-url (${publicOrigin(policy.publicUrl)}) nor an --allow-origin` };
  }
  if (parsed.host !== hostHeader) return { ok: false, why: `it is not the address the request was sent to (${hostHeader ?? "no Host"})` };
  const name = parsed.hostname.replace(/^\[|\]$/g, "");
  if (isLoopback(name) || isIP(name)) return { ok: true };
  return { ok: false, why: `a host name other than localhost needs --public-url ${parsed.origin} (or --allow-origin)` };
}
