/**
 * Sign-in behind a proxy: IAP and ALB tokens signed with ES256 keys made here and served from a
 * local key server (as Google and AWS publish theirs), and header mode from a trusted and an
 * untrusted address. Every route but /healthz is refused without a valid identity, the
 * WebSocket at its upgrade; the reason is in the server log and never in the answer.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { RunningApp } from "../../packages/cli/src/app.ts";
import type { AuthConfig } from "../../packages/runtime/src/auth/index.ts";
import { albToken, connect, es256, get, iapToken, keyServer, sessionOf, unsignedToken, type KeyPair, type KeyServer } from "../support/auth.ts";
import { fixture, startApp } from "./harness.ts";

const audience = "/projects/123/global/backendServices/456";
const arn = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/dash/50dc6c495c0c9188";

let keys: KeyServer;
let google: KeyPair;
let aws: KeyPair;
const apps: RunningApp[] = [];
const logs: string[] = [];

beforeAll(async () => {
  google = await es256("google-1");
  aws = await es256("aws-1");
  keys = await keyServer([google, aws]);
});
afterAll(async () => {
  if (process.env.SHOW_LOGS) console.log(logs.join("\n"));
  await Promise.all(apps.map((app) => app.close()));
  await keys.close();
});

async function serve(auth: Omit<AuthConfig, "iapKeysUrl" | "albKeysUrl">): Promise<RunningApp> {
  const app = await startApp({
    entry: fixture("whoami.ts"),
    production: true,
    // Every refusal written (no counting of repeats): the tests read each one's reason.
    auth: { iapKeysUrl: keys.iapUrl, albKeysUrl: keys.albUrl, refusalLogSeconds: 0, ...auth },
    log: (line) => logs.push(line),
  });
  apps.push(app);
  return app;
}

/** The log lines written while `action` ran. */
async function logged(action: () => Promise<unknown>): Promise<string> {
  const from = logs.length;
  await action();
  return logs.slice(from).join("\n");
}

/** Every guarded route refuses, /healthz answers, and the answer says nothing of why. */
async function refusedEverywhere(app: RunningApp, headers: Record<string, string>, status: number, secret?: string): Promise<void> {
  // (`//x/healthz` is not /healthz: the server reads it as the path "//x/healthz", a page.)
  for (const path of ["/", "/_dash/client.js", "/metrics", "/some/page?x=1", "//x/healthz"]) {
    const answer = await get(`${app.url}${path}`, headers);
    expect(answer.status, path).toBe(status);
    if (secret) expect(answer.body).not.toContain(secret);
  }
  expect((await connect(app.url, headers)).status).toBe(status);
  expect((await get(`${app.url}/healthz`)).status).toBe(200);
}

describe("iap", () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await serve({ auth: "iap", iapAudience: audience, allow: ["@example.com", "group:none-in-iap"] });
  });

  test("a valid assertion opens every route and the WebSocket; the script sees dash.user", async () => {
    const token = await iapToken(google, { aud: audience, email: "ada@example.com" });
    const headers = { "x-goog-iap-jwt-assertion": token };
    for (const path of ["/", "/_dash/client.js", "/metrics"]) expect((await get(`${app.url}${path}`, headers)).status, path).toBe(200);
    const upgrade = await connect(app.url, headers);
    expect(upgrade.status).toBe(101);
    expect(upgrade.messages.join("")).toContain("user: ada@example.com · ada@example.com · accounts.google.com:ada@example.com");
    expect(upgrade.messages.join("")).toContain('"account":{"name":"ada@example.com","email":"ada@example.com","signOut":"/?gcp-iap-mode=CLEAR_LOGIN_COOKIE"}');
    upgrade.ws?.close();
  });

  test("no assertion: 401 everywhere but /healthz, and the log names the header", async () => {
    const log = await logged(() => refusedEverywhere(app, {}, 401));
    expect(log).toContain("no x-goog-iap-jwt-assertion header");
  });

  test("the unsigned x-goog-authenticated-user-email alone is not an identity", async () => {
    const log = await logged(() => refusedEverywhere(app, { "x-goog-authenticated-user-email": "accounts.google.com:ada@example.com" }, 401));
    expect(log).toContain("no x-goog-iap-jwt-assertion header");
  });

  test("a wrong audience is refused; the log names the expected and the received one, the browser neither", async () => {
    const wrong = "/projects/999/global/backendServices/1";
    const token = await iapToken(google, { aud: wrong, email: "ada@example.com" });
    const log = await logged(() => refusedEverywhere(app, { "x-goog-iap-jwt-assertion": token, accept: "text/html" }, 401, wrong));
    expect(log).toContain(`wrong audience: expected "${audience}" (--iap-audience), received "${wrong}"`);
    expect(log).not.toContain(token);
    const page = await get(app.url, { "x-goog-iap-jwt-assertion": token, accept: "text/html" });
    expect(page.body).toContain("Sign in again");
    expect(page.body).not.toContain(audience);
  });

  test("wrong issuer, expired, issued in the future, alg none, another key, forged, truncated, oversized: refused with a reason each", async () => {
    const now = Math.floor(Date.now() / 1000);
    const stranger = await es256("google-1"); // same kid, another key: a forgery
    const valid = await iapToken(google, { aud: audience, email: "ada@example.com" });
    const [head] = valid.split(".");
    const cases: [string, string, string][] = [
      [
        "wrong issuer",
        await iapToken(google, { aud: audience, email: "ada@example.com", iss: "https://evil.example" }),
        'wrong issuer: expected "https://cloud.google.com/iap", received "https://evil.example"',
      ],
      ["expired", await iapToken(google, { aud: audience, email: "ada@example.com", iat: now - 900, exp: now - 300 }), "the token expired"],
      [
        "from the future",
        await iapToken(google, { aud: audience, email: "ada@example.com", iat: now + 300, exp: now + 900 }),
        "clocks differ by more than 30 s",
      ],
      [
        "alg none",
        unsignedToken({ kid: "google-1" }, { aud: audience, iss: "https://cloud.google.com/iap", email: "ada@example.com", exp: now + 60 }),
        "not signed with ES256",
      ],
      ["another key", await iapToken(stranger, { aud: audience, email: "ada@example.com" }), "signature does not match"],
      [
        "a changed payload",
        `${head}.${Buffer.from(JSON.stringify({ aud: audience, iss: "https://cloud.google.com/iap", email: "root@example.com", exp: now + 60 })).toString("base64url")}.${valid.split(".")[2]}`,
        "signature does not match",
      ],
      ["truncated", valid.slice(0, -20), "signature does not match"],
      ["garbage", "not.a.token", "malformed"],
      ["unknown kid", await iapToken(await es256("google-unknown"), { aud: audience, email: "ada@example.com" }), "not among the published keys"],
    ];
    for (const [what, token, reason] of cases) {
      const log = await logged(async () => {
        const answer = await get(app.url, { "x-goog-iap-jwt-assertion": token });
        expect(answer.status, what).toBe(401);
        expect((await connect(app.url, { "x-goog-iap-jwt-assertion": token })).status, what).toBe(401);
      });
      expect(log, what).toContain(reason);
      expect(log, what).not.toContain(token);
    }
    // Oversized: Node refuses headers past 16 KB itself (431) and the server keeps serving.
    expect((await get(app.url, { "x-goog-iap-jwt-assertion": `${valid}${"A".repeat(17 * 1024)}` })).status).toBe(431);
    expect((await get(app.url, { "x-goog-iap-jwt-assertion": valid })).status).toBe(200);
  });

  test("keys are fetched once and refetched only for an unknown kid", async () => {
    const before = keys.hits.filter((hit) => hit === "/iap/jwk").length;
    const token = await iapToken(google, { aud: audience, email: "ada@example.com" });
    for (let i = 0; i < 20; i++) expect((await get(`${app.url}/_dash/client.js`, { "x-goog-iap-jwt-assertion": token })).status).toBe(200);
    expect(keys.hits.filter((hit) => hit === "/iap/jwk").length).toBe(before);
  });

  test("an account not on --allow gets a 403 page that names it, with a way to sign out", async () => {
    const token = await iapToken(google, { aud: audience, email: "mallory@elsewhere.org" });
    const log = await logged(async () => {
      const page = await get(app.url, { "x-goog-iap-jwt-assertion": token, accept: "text/html" });
      expect(page.status).toBe(403);
      expect(page.body).toContain("mallory@elsewhere.org");
      expect(page.body).toContain('href="/?gcp-iap-mode=CLEAR_LOGIN_COOKIE"');
      expect((await connect(app.url, { "x-goog-iap-jwt-assertion": token })).status).toBe(403);
    });
    expect(log).toContain("mallory@elsewhere.org is not on the --allow list");
  });

  test("a session is bound to its user: another user's session id starts a new session", async () => {
    const ada = { "x-goog-iap-jwt-assertion": await iapToken(google, { aud: audience, email: "ada@example.com" }) };
    const bob = { "x-goog-iap-jwt-assertion": await iapToken(google, { aud: audience, email: "bob@example.com" }) };
    const first = await connect(app.url, ada);
    const { session } = sessionOf(first);
    first.ws?.close();
    await new Promise((resolve) => first.ws?.once("close", resolve));
    const stolen = await connect(app.url, bob, { session, version: 1 });
    const taken = sessionOf(stolen);
    expect(taken.resumed).toBe(false);
    expect(taken.session).not.toBe(session);
    expect(stolen.messages.join("")).toContain("user: bob@example.com");
    stolen.ws?.close();
    const back = await connect(app.url, ada, { session, version: 1 });
    expect(sessionOf(back)).toEqual({ session, resumed: true });
    back.ws?.close();
  });
});

describe("alb", () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await serve({ auth: "alb", albArn: arn, albRegion: "eu-west-1" });
  });

  test("the ALB's padded token is accepted, its key fetched once per kid", async () => {
    const token = await albToken(aws, arn, { email: "ada@example.com", name: "Ada Lovelace", "cognito:groups": ["analysts"] });
    expect(token).toMatch(/=/); // padded, as the ALB writes it
    for (let i = 0; i < 5; i++) expect((await get(app.url, { "x-amzn-oidc-data": token })).status).toBe(200);
    expect(keys.hits.filter((hit) => hit === "/alb/aws-1")).toHaveLength(1);
    const upgrade = await connect(app.url, { "x-amzn-oidc-data": token });
    expect(upgrade.messages.join("")).toContain("user: ada@example.com · Ada Lovelace · ada@example.com · groups analysts");
    upgrade.ws?.close();
  });

  test("another ALB's signer, expired, alg none, another key, no header: refused with a reason each", async () => {
    const now = Math.floor(Date.now() / 1000);
    const other = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/other/1";
    const cases: [string, string | undefined, string][] = [
      ["another ALB", await albToken(aws, other, { email: "ada@example.com" }), `expected signer "${arn}" (--alb-arn), received "${other}"`],
      ["expired", await albToken(aws, arn, { email: "ada@example.com", exp: now - 120 }, { exp: now - 120 }), "the token expired"],
      ["alg none", unsignedToken({ kid: "aws-1", signer: arn }, { email: "ada@example.com", exp: now + 60 }), "not signed with ES256"],
      ["another key", await albToken(await es256("aws-1"), arn, { email: "ada@example.com" }), "signature does not match"],
      ["unknown kid", await albToken(await es256("aws-missing"), arn, { email: "ada@example.com" }), "could not get the public key for kid aws-missing"],
      ["a kid with a path in it", await albToken(aws, arn, { email: "ada@example.com" }, { kid: "../iap/jwk" }), "kid is missing or malformed"],
      ["no header", undefined, "no x-amzn-oidc-data header"],
    ];
    for (const [what, token, reason] of cases) {
      const headers: Record<string, string> = token ? { "x-amzn-oidc-data": token } : {};
      const log = await logged(async () => {
        expect((await get(app.url, headers)).status, what).toBe(401);
        expect((await connect(app.url, headers)).status, what).toBe(401);
      });
      expect(log, what).toContain(reason);
    }
    // The unknown kid was looked up once, not once per request.
    expect(keys.hits.filter((hit) => hit === "/alb/aws-missing")).toHaveLength(1);
  });
});

describe("header", () => {
  test("the header is believed from a trusted proxy, refused from any other address", async () => {
    const app = await serve({ auth: "header:X-Forwarded-Email", trustedProxies: ["127.0.0.1/32"], allow: ["ada@example.com"] });
    const headers = { "x-forwarded-email": "ada@example.com" };
    expect((await get(app.url, headers)).status).toBe(200);
    const upgrade = await connect(app.url, headers);
    expect(upgrade.messages.join("")).toContain("user: ada@example.com");
    upgrade.ws?.close();
    const log = await logged(async () => {
      expect((await get(app.url, headers, "127.0.0.2")).status).toBe(403);
      expect((await connect(app.url, headers, {}, "127.0.0.2")).status).toBe(403);
    });
    expect(log).toContain("127.0.0.2 is not a trusted proxy");
    expect(await logged(() => refusedEverywhere(app, {}, 401))).toContain("carries no X-Forwarded-Email header");
    expect((await get(app.url, { "x-forwarded-email": "eve@example.com" })).status).toBe(403);
  });
});

describe("configuration", () => {
  test("dash serve refuses a non-loopback host without an --auth choice; --auth none is a choice", async () => {
    await expect(startApp({ entry: fixture("whoami.ts"), production: true, host: "0.0.0.0" })).rejects.toThrow(/needs an --auth choice/);
    await expect(serve({ auth: "iap" })).rejects.toThrow("--auth iap needs --iap-audience");
    await expect(serve({ auth: "alb", albArn: arn })).rejects.toThrow("--auth alb needs --alb-region");
    await expect(
      serve({ auth: "oidc", oidcIssuer: "http://accounts.example.com", oidcClientId: "x", publicUrl: "http://127.0.0.1", cookieSecret: "s".repeat(32) }),
    ).rejects.toThrow("http:// only on loopback");
    await expect(serve({ auth: "basic" })).rejects.toThrow("--auth must be none, header:NAME, iap, alb or oidc");
    const open = await serve({ auth: "none" });
    expect((await get(open.url)).status).toBe(200);
    const upgrade = await connect(open.url);
    expect(upgrade.messages.join("")).toContain("user: none");
    upgrade.ws?.close();
  });
});
