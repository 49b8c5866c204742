/**
 * What every sign-in mode shares: the viewer (`User`), the allow list, the answers a refused
 * request gets (a plain 401/403 page that says "sign in again", never why), and the log line
 * that does say why. Tokens and secrets never reach a log line or a page.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** The viewer, as the script sees it in `dash.user` (`null` without sign-in). */
export interface User {
  email: string;
  name: string;
  /** The identity's stable id at its provider (IAP/OIDC `sub`; the email in header mode). */
  sub: string;
  groups: string[];
  /** The verified token's other claims (provider-specific: `hd`, `cognito:username`…). */
  claims: Record<string, unknown>;
}

/** A verified identity, or why the request is refused (the reason goes to the log only). */
export type Verdict =
  { ok: true; user: User } | { ok: false; status: 401 | 403; reason: string; /** a verified account the allow list refused */ account?: string };

/** Larger than this, a token or cookie is refused before it is parsed. */
export const maxTokenBytes = 16 * 1024;

export const refuse = (status: 401 | 403, reason: string): Verdict => ({ ok: false, status, reason });

/** The same viewer (a session is resumed only by the user it belongs to). */
export function sameUser(a: User | null, b: User | null): boolean {
  if (!a || !b) return a === b;
  return a.sub === b.sub && a.email.toLowerCase() === b.email.toLowerCase();
}

/** A user from a verified token's claims. */
export function userFromClaims(claims: Record<string, unknown>, fallbackSub?: string): User | null {
  const email = typeof claims.email === "string" ? claims.email : "";
  const sub = typeof claims.sub === "string" ? claims.sub : (fallbackSub ?? email);
  if (!email && !sub) return null;
  const groups = claims.groups ?? claims["cognito:groups"];
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(claims))
    if (!["email", "sub", "name", "iat", "exp", "nbf", "aud", "iss", "nonce", "at_hash", "jti"].includes(key)) rest[key] = value;
  return {
    email,
    name: typeof claims.name === "string" && claims.name ? claims.name : email || sub,
    sub,
    groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === "string") : [],
    claims: rest,
  };
}

/**
 * Who may view: `ada@example.com`, `@example.com` (a whole domain), `group:analysts`.
 * An empty list lets every verified identity in.
 */
export function allowList(entries: string[]): (user: User) => boolean {
  const list = entries.map((entry) => entry.trim()).filter(Boolean);
  if (!list.length) return () => true;
  const emails = new Set(list.filter((e) => !e.startsWith("@") && !e.startsWith("group:")).map((e) => e.toLowerCase()));
  const domains = list.filter((e) => e.startsWith("@")).map((e) => e.toLowerCase());
  const groups = new Set(list.filter((e) => e.startsWith("group:")).map((e) => e.slice(6)));
  return (user) => {
    const email = user.email.toLowerCase();
    return (email !== "" && emails.has(email)) || domains.some((domain) => email.endsWith(domain)) || user.groups.some((group) => groups.has(group));
  };
}

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A small page for a refused browser (no script: the CSP forbids inline script anyway). */
export function refusalPage(
  status: 401 | 403,
  body: { account?: string | undefined; signOut?: string | null | undefined; signIn?: string | undefined },
): string {
  const title = status === 401 ? "Sign in again" : "You do not have access";
  const text =
    status === 401
      ? `<p>This dashboard needs you to sign in.${body.signIn ? ` <a href="${escape(body.signIn)}">Sign in</a>` : " Reload the page to sign in again."}</p>`
      : `<p>You are signed in as <strong>${escape(body.account ?? "an unknown account")}</strong>, and this account may not view this dashboard.</p>` +
        `<p>Ask its owner for access, or ${body.signOut ? `<a href="${escape(body.signOut)}">sign out</a> and sign in with another account` : "sign in with another account"}.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:15vh auto;padding:0 1.5rem}h1{font-size:1.4rem}</style>
</head><body><main><h1>${title}</h1>${text}</main></body></html>`;
}

/** Answer a refused request: a page for a browser's page load, an empty body otherwise. */
export function sendRefusal(req: IncomingMessage, res: ServerResponse, status: 401 | 403, body: Parameters<typeof refusalPage>[1] = {}): void {
  const html = (req.headers.accept ?? "").includes("text/html");
  res.writeHead(status, {
    "content-type": html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
  });
  res.end(html ? refusalPage(status, body) : status === 401 ? "Sign in again.\n" : "Forbidden.\n");
}

/** The address a request came from, as one string (an IPv4-mapped IPv6 address as IPv4). */
export function remoteAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? "";
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

/** Read one request header as a single string (`undefined` when absent or repeated). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return typeof value === "string" ? value : undefined;
}

/** Loopback hosts: the only ones where an http:// issuer, or serving without `--auth`, is safe. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "");
  return bare === "localhost" || bare === "::1" || /^127\.\d+\.\d+\.\d+$/.test(bare);
}
