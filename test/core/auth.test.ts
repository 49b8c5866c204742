/**
 * Sign-in's small parts: who the allow list lets in, where a sign-in may return to, trusted proxy
 * ranges, sealed cookies (another secret, altered, expired), the flags' environment twins, and
 * `testApp(file, { user })`.
 */
import { describe, expect, test } from "vitest";
import { allowList, sameUser, userFromClaims, type User } from "../../packages/runtime/src/auth/common.ts";
import { sealer } from "../../packages/runtime/src/auth/cookie.ts";
import { parseCidrs } from "../../packages/runtime/src/auth/header.ts";
import { authConfigFrom, authFlags, scopesOf } from "../../packages/runtime/src/auth/index.ts";
import { safeNext } from "../../packages/runtime/src/auth/oidc.ts";
import { testApp } from "../../packages/cli/src/testing.ts";
import path from "node:path";

const fixture = (name: string): string => path.resolve(import.meta.dirname, "../e2e/fixtures", name);
const user = (email: string, groups: string[] = []): User => ({ email, name: email, sub: email, groups, claims: {} });

describe("auth", () => {
  test("--allow takes emails, @domains and group:names; without a list, everyone verified", () => {
    const allowed = allowList(["Ada@Example.com", "@corp.example", "group:analysts"]);
    expect(allowed(user("ada@example.com"))).toBe(true);
    expect(allowed(user("bob@corp.example"))).toBe(true);
    expect(allowed(user("bob@evilcorp.example"))).toBe(false);
    expect(allowed(user("bob@corp.example.evil.org"))).toBe(false);
    expect(allowed(user("carol@else.org", ["analysts"]))).toBe(true);
    expect(allowed(user("carol@else.org", ["viewers"]))).toBe(false);
    expect(allowList([])(user("anyone@else.org"))).toBe(true);
  });

  test("a sign-in returns only to a path on this dashboard", () => {
    expect(safeNext("/sales?region=North&x=1")).toBe("/sales?region=North&x=1");
    expect(safeNext(null)).toBe("/");
    for (const evil of ["https://evil.example", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "/x\r\nset-cookie: a=b", "evil"])
      expect(safeNext(evil), evil).toBeNull();
  });

  test("trusted proxies: addresses and CIDR ranges, IPv4 and IPv6; a malformed entry is named", () => {
    const blocks = parseCidrs(["10.0.0.0/8", "192.168.1.7", "fd00::/8"]);
    expect(blocks.check("10.1.2.3", "ipv4")).toBe(true);
    expect(blocks.check("11.1.2.3", "ipv4")).toBe(false);
    expect(blocks.check("192.168.1.7", "ipv4")).toBe(true);
    expect(blocks.check("192.168.1.8", "ipv4")).toBe(false);
    expect(blocks.check("fd12::1", "ipv6")).toBe(true);
    expect(() => parseCidrs(["10.0.0.0/33"])).toThrow('"10.0.0.0/33" is not an address, a CIDR range');
    expect(() => parseCidrs(["proxy.internal"])).toThrow("proxy.internal");
  });

  test("a sealed cookie opens only with its secret, unaltered and unexpired; its content is not readable", async () => {
    const secret = "a".repeat(32);
    const seal = sealer(secret, "session");
    const sealed = await seal.seal({ user: user("ada@example.com") }, 60);
    expect(Buffer.from(sealed.split(".")[3] ?? "", "base64url").toString()).not.toContain("ada@example.com");
    expect(await seal.open(sealed)).toMatchObject({ ok: true, payload: { user: { email: "ada@example.com" } } });
    // Another replica with the same secret opens it; another secret does not.
    expect((await sealer(secret, "session").open(sealed)).ok).toBe(true);
    expect(await sealer("b".repeat(32), "session").open(sealed)).toEqual({ ok: false, reason: expect.stringContaining("sealed with another secret") });
    expect((await sealer(secret, "sign-in").open(sealed)).ok).toBe(false);
    const parts = sealed.split(".");
    parts[3] = `${parts[3]!.slice(0, -2)}AA`;
    expect((await seal.open(parts.join("."))).ok).toBe(false);
    expect(await seal.open(sealed.slice(0, 40))).toEqual({ ok: false, reason: "the cookie is malformed" });
    expect(await seal.open("x".repeat(17 * 1024))).toEqual({ ok: false, reason: "the cookie is longer than 16 KB" });
    const expired = await seal.seal({ user: user("ada@example.com") }, -10);
    expect(await seal.open(expired)).toEqual({ ok: false, reason: expect.stringContaining("expired") });
    expect(() => sealer("short", "session")).toThrow("at least 32 bytes");
  });

  test("users: the same viewer by sub and email; claims become a user with groups", () => {
    expect(sameUser(null, null)).toBe(true);
    expect(sameUser(user("a@x.org"), null)).toBe(false);
    expect(sameUser(user("a@x.org"), { ...user("A@X.org"), sub: "a@x.org" })).toBe(true);
    expect(sameUser(user("a@x.org"), user("b@x.org"))).toBe(false);
    expect(userFromClaims({ sub: "123", email: "ada@example.com", name: "Ada", "cognito:groups": ["analysts"], hd: "example.com", exp: 1 })).toEqual({
      email: "ada@example.com",
      name: "Ada",
      sub: "123",
      groups: ["analysts"],
      claims: { "cognito:groups": ["analysts"], hd: "example.com" },
    });
  });

  test("every sign-in flag has a DASH_* twin; flags win", () => {
    const env = Object.fromEntries(Object.values(authFlags).map((name) => [name, `env:${name}`]));
    const fromEnv = authConfigFrom(
      {},
      { ...env, DASH_ALLOW: "a@x.org, @y.org", DASH_TRUSTED_PROXY: "10.0.0.0/8", DASH_COOKIE_SECRET: "c", DASH_OIDC_CLIENT_SECRET: "s" },
    );
    expect(fromEnv).toMatchObject({
      auth: "env:DASH_AUTH",
      allow: ["a@x.org", "@y.org"],
      trustedProxies: ["10.0.0.0/8"],
      iapAudience: "env:DASH_IAP_AUDIENCE",
      albArn: "env:DASH_ALB_ARN",
      albRegion: "env:DASH_ALB_REGION",
      oidcIssuer: "env:DASH_OIDC_ISSUER",
      oidcClientId: "env:DASH_OIDC_CLIENT_ID",
      oidcScopes: "env:DASH_OIDC_SCOPES",
      publicUrl: "env:DASH_PUBLIC_URL",
      sessionMaxAge: "env:DASH_SESSION_MAX_AGE",
      cookieSecret: "c",
      oidcClientSecret: "s",
    });
    expect(authConfigFrom({ auth: "iap", "iap-audience": "/projects/1" }, env)).toMatchObject({ auth: "iap", iapAudience: "/projects/1" });
    expect(authConfigFrom({}, {})).toBeUndefined();
    // --oidc-scopes: commas or spaces, openid always first (no ID token without it).
    expect(scopesOf("email,profile, groups")).toBe("openid email profile groups");
    expect(scopesOf("groups openid email")).toBe("openid groups email");
    expect(scopesOf(" ")).toBeUndefined();
  });

  test("testApp runs a script as a given viewer; without one, dash.user is null", async () => {
    const signedIn = await testApp(fixture("whoami.ts"), { user: { email: "ada@example.com", groups: ["analysts"] } });
    expect(signedIn.get("text").value).toBe("user: ada@example.com · ada@example.com · ada@example.com · groups analysts");
    const anonymous = await testApp(fixture("whoami.ts"));
    expect(anonymous.get("text").value).toBe("user: none");
  });
});
