/**
 * Sign-in on the request path: verifying an IAP and an ALB token with their keys cached (no
 * network: the keys come from a local key server once, before the timed loop), and opening a
 * sealed oidc cookie. Target: p50 ≤ 0.2 ms per request.
 */
import type { IncomingMessage } from "node:http";
import { albVerifier } from "../packages/runtime/src/auth/alb.ts";
import { sealer } from "../packages/runtime/src/auth/cookie.ts";
import { iapVerifier } from "../packages/runtime/src/auth/iap.ts";
import { albToken, es256, iapToken, keyServer } from "../test/support/auth.ts";
// @ts-expect-error -- plain ESM helper without types
import { report } from "./lib/stats.mjs";

const audience = "/projects/1/global/backendServices/2";
const arn = "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/dash/1";
const google = await es256("g");
const aws = await es256("a");
const keys = await keyServer([google, aws]);
const request = (headers: Record<string, string>): IncomingMessage => ({ headers, socket: { remoteAddress: "127.0.0.1" } }) as unknown as IncomingMessage;

async function time(name: string, verify: () => Promise<{ ok: boolean }>): Promise<void> {
  if (!(await verify()).ok) throw new Error(`${name}: the token was refused`);
  const samples: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const started = performance.now();
    await verify();
    samples.push(performance.now() - started);
  }
  report(name, samples, "ms", (s: { p50: number }) => s.p50 <= 0.2, 3);
}

const iap = iapVerifier({ audience, keysUrl: keys.iapUrl });
const iapReq = request({ "x-goog-iap-jwt-assertion": await iapToken(google, { aud: audience, email: "ada@example.com" }) });
await time("IAP token verified (keys cached)", () => iap(iapReq));
const alb = albVerifier({ arn, region: "eu-west-1", keysUrl: keys.albUrl });
const albReq = request({ "x-amzn-oidc-data": await albToken(aws, arn, { email: "ada@example.com" }) });
await time("ALB token verified (key cached)", () => alb(albReq));
const seal = sealer("a-cookie-secret-of-at-least-32-bytes-long", "session");
const cookie = await seal.seal({ user: { email: "ada@example.com", name: "Ada", sub: "1", groups: [], claims: {} } }, 3600);
await time("oidc cookie opened (no provider call)", () => seal.open(cookie));
console.log(`key fetches during the timed loops: ${keys.hits.length} (one per mode, before them)`);
await keys.close();
