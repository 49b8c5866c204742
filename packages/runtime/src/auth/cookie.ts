/**
 * Sealed cookies: the payload is encrypted and authenticated (JWE, `dir` + A256GCM) with a key
 * derived from `DASH_COOKIE_SECRET`, so the browser can neither read nor alter it, and every
 * replica given the same secret opens every other replica's cookies. No server-side store.
 */
import { hkdfSync } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { EncryptJWT, jwtDecrypt, errors } from "jose";
import { maxTokenBytes } from "./common.ts";

export interface Sealer {
  seal(payload: Record<string, unknown>, seconds: number): Promise<string>;
  /** The payload, or why it cannot be opened (for the log). */
  open(sealed: string): Promise<{ ok: true; payload: Record<string, unknown> } | { ok: false; reason: string }>;
}

export function sealer(secret: string, purpose: string): Sealer {
  if (Buffer.byteLength(secret) < 32) throw new Error("DASH_COOKIE_SECRET must be at least 32 bytes (e.g. `openssl rand -base64 48`).");
  const key = new Uint8Array(hkdfSync("sha256", secret, "dash", `dash ${purpose} cookie`, 32));
  return {
    seal: (payload, seconds) =>
      new EncryptJWT(payload)
        .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
        .encrypt(key),
    async open(sealed) {
      if (sealed.length > maxTokenBytes) return { ok: false, reason: "the cookie is longer than 16 KB" };
      try {
        const { payload } = await jwtDecrypt(sealed, key, { keyManagementAlgorithms: ["dir"], contentEncryptionAlgorithms: ["A256GCM"] });
        return { ok: true, payload: payload as Record<string, unknown> };
      } catch (error) {
        if (error instanceof errors.JWTExpired) return { ok: false, reason: "the sign-in expired (--session-max-age)" };
        if (error instanceof errors.JWEDecryptionFailed)
          return { ok: false, reason: "the cookie was sealed with another secret (DASH_COOKIE_SECRET differs between replicas?) or altered" };
        return { ok: false, reason: "the cookie is malformed" };
      }
    },
  };
}

/** One cookie's value from the request (`undefined` when absent). */
export function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function cookieHeader(name: string, value: string, options: { maxAge: number; secure: boolean }): string {
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${options.maxAge}${options.secure ? "; Secure" : ""}`;
}
