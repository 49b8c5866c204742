/**
 * `--auth iap --iap-audience /projects/N/global/backendServices/ID`: Google Cloud
 * Identity-Aware Proxy. IAP signs each request's viewer into `x-goog-iap-jwt-assertion` (ES256,
 * Google's published keys); the unsigned `x-goog-authenticated-user-*` headers are never read.
 * Keys are fetched once and kept; an unknown `kid` (Google rotated) fetches them again.
 */
import type { IncomingMessage } from "node:http";
import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTVerifyGetKey } from "jose";
import { header, maxTokenBytes, refuse, userFromClaims, type Verdict } from "./common.ts";

export const iapKeysUrl = "https://www.gstatic.com/iap/verify/public_key-jwk";
export const iapIssuer = "https://cloud.google.com/iap";
const assertion = "x-goog-iap-jwt-assertion";
/** Seconds of clock difference tolerated between Google and this machine. */
export const clockSkew = 30;

export interface IapOptions {
  audience: string;
  /** Replaces Google's key URL (tests: `DASH_IAP_KEYS_URL`). */
  keysUrl?: string | undefined;
}

export function iapVerifier(options: IapOptions): (req: IncomingMessage) => Promise<Verdict> {
  const keys = createRemoteJWKSet(new URL(options.keysUrl || iapKeysUrl), { cacheMaxAge: Infinity, cooldownDuration: 30_000 });
  return async (req) => {
    const token = header(req, assertion);
    if (!token)
      return refuse(401, `iap: no ${assertion} header (is the request coming through IAP? a load balancer health check carries none: point it at /healthz)`);
    return verifyJwt(token, keys, { issuer: iapIssuer, audience: options.audience, mode: "iap", flag: "--iap-audience" });
  };
}

/** Verify an ES256 JWT and explain a refusal in words an operator can act on. */
export async function verifyJwt(
  token: string,
  keys: JWTVerifyGetKey,
  expect: { issuer: string; audience: string; mode: string; flag: string },
): Promise<Verdict> {
  const { mode } = expect;
  if (token.length > maxTokenBytes) return refuse(401, `${mode}: the token is longer than 16 KB`);
  try {
    const { payload } = await jwtVerify(token, keys, {
      algorithms: ["ES256"],
      issuer: expect.issuer,
      audience: expect.audience,
      clockTolerance: clockSkew,
      maxTokenAge: "1d",
    });
    const user = userFromClaims(payload);
    return user ? { ok: true, user } : refuse(401, `${mode}: the token names no email or subject`);
  } catch (error) {
    return refuse(401, `${mode}: ${explain(error, token, expect)}`);
  }
}

function explain(error: unknown, token: string, expect: { issuer: string; audience: string; flag: string }): string {
  const received = (claim: string): string => {
    try {
      return JSON.stringify(decodeJwt(token)[claim] ?? null);
    } catch {
      return "unreadable";
    }
  };
  if (error instanceof errors.JWTExpired)
    return `the token expired (exp ${received("exp")}, now ${Math.floor(Date.now() / 1000)}; more than ${clockSkew} s of clock skew?)`;
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "aud") return `wrong audience: expected ${JSON.stringify(expect.audience)} (${expect.flag}), received ${received("aud")}`;
    if (error.claim === "iss") return `wrong issuer: expected ${JSON.stringify(expect.issuer)}, received ${received("iss")}`;
    if (error.claim === "iat" || error.claim === "nbf")
      return `the token is not valid yet (${error.claim} ${received(error.claim)}): the clocks differ by more than ${clockSkew} s`;
    return `claim ${error.claim}: ${error.reason}`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return "the token is not signed with ES256";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "the signature does not match the key (a forged or altered token)";
  if (error instanceof errors.JWKSNoMatchingKey) return "the token's key (kid) is not among the published keys";
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return "the token is malformed";
  if (error instanceof errors.JOSEError) return `could not verify the token: ${error.message}`;
  return `could not verify the token: ${error instanceof Error ? error.message : String(error)}`;
}
