/**
 * `--auth alb --alb-arn arn:aws:elasticloadbalancing:… --alb-region eu-west-1`: an AWS
 * Application Load Balancer that signs viewers in (Cognito or any OIDC provider) and passes
 * their claims in `x-amzn-oidc-data`: an ES256 JWT whose key is published per `kid` at
 * `https://public-keys.auth.elb.REGION.amazonaws.com/KID` (PEM). The ALB pads its base64
 * (`=`), which strict JWT parsers refuse; the padding is removed first. Its `signer` header must
 * be this load balancer's ARN, or a token from another ALB (another app) would be accepted.
 */
import type { IncomingMessage } from "node:http";
import { compactVerify, decodeProtectedHeader, importSPKI, type CryptoKey } from "jose";
import { clockSkew } from "./iap.ts";
import { header, maxTokenBytes, refuse, userFromClaims, type Verdict } from "./common.ts";

export interface AlbOptions {
  arn: string;
  region: string;
  /** Replaces the key URL; `{kid}` is replaced by the key id (tests: `DASH_ALB_KEYS_URL`). */
  keysUrl?: string | undefined;
  fetch?: typeof fetch;
}

const data = "x-amzn-oidc-data";

export function albVerifier(options: AlbOptions): (req: IncomingMessage) => Promise<Verdict> {
  const template = options.keysUrl || `https://public-keys.auth.elb.${options.region}.amazonaws.com/{kid}`;
  const fetcher = options.fetch ?? fetch;
  /** Keys by kid, kept for the life of the process (a kid's key never changes). */
  const keys = new Map<string, Promise<CryptoKey>>();
  /** Kids that could not be fetched, and when: not asked again for 30 s (forged kids cost nothing). */
  const missing = new Map<string, number>();
  const keyFor = (kid: string): Promise<CryptoKey> => {
    let key = keys.get(kid);
    if (!key) {
      key = fetcher(template.replace("{kid}", encodeURIComponent(kid)), { redirect: "error", signal: AbortSignal.timeout(5000) })
        .then(async (response) => {
          if (response.status !== 200) throw new Error(`the key server answered ${response.status}`);
          return importSPKI((await response.text()).trim(), "ES256");
        })
        .catch((error: unknown) => {
          keys.delete(kid);
          if (missing.size > 1000) missing.clear();
          missing.set(kid, Date.now());
          throw error;
        });
      keys.set(kid, key);
    }
    return key;
  };

  return async (req) => {
    const raw = header(req, data);
    if (!raw)
      return refuse(
        401,
        `alb: no ${data} header (is the request coming through the ALB's authenticate action? a target group health check carries none: point it at /healthz)`,
      );
    if (raw.length > maxTokenBytes) return refuse(401, "alb: the token is longer than 16 KB");
    const token = raw
      .split(".")
      .map((part) => part.replace(/=+$/, ""))
      .join(".");
    let protectedHeader: ReturnType<typeof decodeProtectedHeader>;
    try {
      protectedHeader = decodeProtectedHeader(token);
    } catch {
      return refuse(401, "alb: the token is malformed");
    }
    const { alg, kid, signer } = protectedHeader as { alg?: string; kid?: string; signer?: unknown };
    if (alg !== "ES256") return refuse(401, `alb: the token is not signed with ES256 (alg ${JSON.stringify(alg ?? null)})`);
    if (signer !== options.arn)
      return refuse(
        401,
        `alb: the token was signed by another load balancer: expected signer ${JSON.stringify(options.arn)} (--alb-arn), received ${JSON.stringify(signer ?? null)}`,
      );
    if (typeof kid !== "string" || !/^[\w-]{1,128}$/.test(kid)) return refuse(401, "alb: the token's kid is missing or malformed");
    const failedAt = missing.get(kid);
    if (failedAt !== undefined && Date.now() - failedAt < 30_000) return refuse(401, `alb: no public key for kid ${kid} (looked up less than 30 s ago)`);
    let key: CryptoKey;
    try {
      key = await keyFor(kid);
    } catch (error) {
      return refuse(401, `alb: could not get the public key for kid ${kid}: ${error instanceof Error ? error.message : String(error)}`);
    }
    let claims: Record<string, unknown>;
    try {
      const { payload } = await compactVerify(token, key, { algorithms: ["ES256"] });
      claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    } catch {
      return refuse(401, "alb: the signature does not match the key (a forged or altered token)");
    }
    const exp = typeof claims.exp === "number" ? claims.exp : (protectedHeader as { exp?: unknown }).exp;
    const now = Math.floor(Date.now() / 1000);
    if (typeof exp !== "number") return refuse(401, "alb: the token has no exp");
    if (exp + clockSkew < now) return refuse(401, `alb: the token expired (exp ${exp}, now ${now}; more than ${clockSkew} s of clock skew?)`);
    const user = userFromClaims(claims);
    return user ? { ok: true, user } : refuse(401, "alb: the token names no email or subject");
  };
}
