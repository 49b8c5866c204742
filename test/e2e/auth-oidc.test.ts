/**
 * `--auth oidc` against a real OpenID provider (oidc-provider, started here on 127.0.0.1 with a
 * registered client and its development login form), driven in Chromium: sign-in and back to
 * the same URL, `dash.user`, the sealed cookie, "Sign out" in the menu, the allow list's 403 page,
 * an expired sign-in that a reconnect takes through sign-in again with the widget values kept,
 * and bad input (wrong state, open redirect, forged and foreign cookies) refused with a log line.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { RunningApp } from "../../packages/cli/src/app.ts";
import { sealer } from "../../packages/runtime/src/auth/cookie.ts";
import { connect, get } from "../support/auth.ts";
import { startProvider, type TestProvider } from "../support/oidc.ts";
import { freePort } from "../support/redis.ts";
import { fixture, launch, see, startApp, waitIdle } from "./harness.ts";

const cookieSecret = "this-is-the-cookie-secret-of-the-oidc-test-0123456789";
const shots = process.env.SCREENSHOTS;
const logs: string[] = [];
let browser: Browser;
let provider: TestProvider;
const apps: RunningApp[] = [];

/** An app signing in at `provider`, on a port picked before the provider registers its redirect URI. */
async function serve(port: number, extra: { allow?: string[]; sessionMaxAge?: number | string; oidcScopes?: string } = {}): Promise<RunningApp> {
  const url = `http://127.0.0.1:${port}`;
  const app = await startApp({
    entry: fixture("whoami.ts"),
    production: true,
    port,
    log: (line) => logs.push(line),
    auth: {
      auth: "oidc",
      oidcIssuer: provider.issuer,
      oidcClientId: provider.clientId,
      oidcClientSecret: provider.clientSecret,
      publicUrl: url,
      cookieSecret,
      ...extra,
    },
  });
  apps.push(app);
  return app;
}

let appPort: number;
let app: RunningApp;
let shortPort: number;
let groupsPort: number;

beforeAll(async () => {
  [appPort, shortPort, groupsPort] = [await freePort(), await freePort(), await freePort()];
  const urls = [appPort, shortPort, groupsPort].map((port) => `http://127.0.0.1:${port}`);
  provider = await startProvider(await freePort(), urls);
  app = await serve(appPort, { allow: ["@example.com"] });
  browser = await launch();
  if (shots) mkdirSync(shots, { recursive: true });
});
afterAll(async () => {
  if (process.env.SHOW_LOGS) console.log(logs.join("\n"));
  await browser?.close();
  await Promise.all(apps.map((a) => a.close()));
  await provider?.close();
});

/** A browser context that can reach 127.0.0.1 only (the provider's pages import web fonts). */
async function context(): Promise<BrowserContext> {
  const ctx = await browser.newContext();
  await ctx.route(
    (url) => url.hostname !== "127.0.0.1",
    (route) => route.abort(),
  );
  return ctx;
}

/** Fill in the provider's development login form (and its consent, the first time). */
async function signIn(page: Page, login: string): Promise<void> {
  await page.locator("input[name=login]").fill(login);
  await page.locator("input[name=password]").fill("any password");
  if (shots) await page.screenshot({ path: path.join(shots, "oidc-1-provider-login.png") });
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.waitForURL((url) => url.port !== new URL(provider.issuer).port || url.pathname.startsWith("/interaction"), { timeout: 20_000 });
  const consent = page.getByRole("button", { name: "Continue" });
  if (new URL(page.url()).port === new URL(provider.issuer).port && (await consent.isVisible().catch(() => false))) await consent.click();
}

const logged = (from: number): string => logs.slice(from).join("\n");

describe("oidc", () => {
  test("opening the dashboard signs in at the provider and comes back to the same URL; the script sees dash.user; Sign out in the menu signs out", async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    await page.goto(`${app.url}/?region=North&year=2024`);
    await page.locator("input[name=login]").waitFor({ timeout: 20_000 });
    expect(new URL(page.url()).port).toBe(new URL(provider.issuer).port);
    await signIn(page, "ada@example.com");
    await page.waitForURL(`${app.url}/?region=North&year=2024`, { timeout: 20_000 });
    await waitIdle(page);
    await see(page, "user: ada@example.com · Ada · ada@example.com · groups none");

    // The cookie is sealed, HttpOnly and SameSite=Lax (not Secure on http://), and holds no readable email.
    const cookie = (await ctx.cookies()).find((c) => c.name === "dash_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false });
    expect(Buffer.from(cookie!.value.split(".")[3] ?? "", "base64url").toString("latin1")).not.toContain("ada@example.com");
    expect(await page.evaluate(() => document.cookie)).not.toContain("dash_session");

    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByRole("menuitem", { name: "Sign out" }).waitFor();
    await see(page, "ada@example.com");
    if (shots) await page.screenshot({ path: path.join(shots, "oidc-2-signed-in-menu.png") });
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    // The provider asks to confirm, then sends the browser back, to sign in again.
    await page.getByRole("button", { name: "Yes, sign me out" }).click({ timeout: 20_000 });
    await page.locator("input[name=login]").waitFor({ timeout: 20_000 });
    expect((await ctx.cookies()).find((c) => c.name === "dash_session")).toBeUndefined();
    await ctx.close();
  });

  test("an account not on --allow gets a 403 page naming it, with a way to sign out", async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    const from = logs.length;
    await page.goto(app.url);
    await signIn(page, "eve@elsewhere.org");
    await page.getByRole("heading", { name: "You do not have access" }).waitFor({ timeout: 20_000 });
    await see(page, "eve@elsewhere.org");
    if (shots) await page.screenshot({ path: path.join(shots, "oidc-3-forbidden.png") });
    expect(logged(from)).toContain("eve@elsewhere.org is not on the --allow list");
    await page.getByRole("link", { name: "sign out" }).click();
    await page.getByRole("button", { name: "Yes, sign me out" }).click({ timeout: 20_000 });
    await page.locator("input[name=login]").waitFor({ timeout: 20_000 });
    await ctx.close();
  });

  test("--oidc-scopes asks the provider for groups, so --allow group:analysts lets an analyst in and keeps others out", async () => {
    const groups = await serve(groupsPort, { allow: ["group:analysts"], oidcScopes: "email,profile,groups" });
    const ctx = await context();
    const page = await ctx.newPage();
    await page.goto(groups.url);
    await signIn(page, "ada@example.com");
    await waitIdle(page);
    await see(page, "user: ada@example.com · Ada · ada@example.com · groups analysts");
    await ctx.close();
    const other = await context();
    const eve = await other.newPage();
    await eve.goto(groups.url);
    await signIn(eve, "eve@example.com");
    await eve.getByRole("heading", { name: "You do not have access" }).waitFor({ timeout: 20_000 });
    await other.close();
  });

  test("an expired sign-in: the next reconnect goes through sign-in again and comes back with its widget values", async () => {
    const short = await serve(shortPort, { sessionMaxAge: 6 });
    const ctx = await context();
    const page = await ctx.newPage();
    await page.goto(`${short.url}/?view=short`);
    await signIn(page, "ada@example.com");
    await page.waitForURL(`${short.url}/?view=short`, { timeout: 20_000 });
    await waitIdle(page);
    const slider = page.getByRole("slider", { name: "Count" });
    await slider.focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowRight");
    await see(page, "count 7");
    await page.evaluate(() => ((window as unknown as { __before: boolean }).__before = true));
    const expiredAt = Date.now() + 6500;
    await page.waitForFunction((at) => Date.now() > at, expiredAt, { timeout: 10_000 });
    const hitsBefore = provider.hits.length;
    // The connection drops (a deploy, a network change): the reconnect is refused, the page signs in again.
    await page.evaluate(() => (window as unknown as { __dash: { socket(): WebSocket } }).__dash.socket().close());
    await page.waitForFunction(() => !(window as unknown as { __before?: boolean }).__before, undefined, { timeout: 20_000 });
    await page.waitForURL(`${short.url}/?view=short`, { timeout: 20_000 });
    await waitIdle(page);
    await see(page, "count 7");
    expect(provider.hits.slice(hitsBefore)).toContain("/auth"); // it did go through the provider
    await ctx.close();
  });

  test("bad input: wrong state, an open redirect, forged and foreign cookies are refused with a reason in the log; no secret is logged", async () => {
    const from = logs.length;
    // A callback this browser did not start, and one with a wrong state.
    expect((await get(`${app.url}/_dash/auth/callback?code=abc&state=xyz`)).status).toBe(401);
    const start = await get(`${app.url}/_dash/auth/login?next=/`);
    expect(start.status).toBe(302);
    const pending = String(start.headers["set-cookie"]).split(";")[0]!;
    const wrong = await get(`${app.url}/_dash/auth/callback?code=abc&state=not-the-state`, { cookie: pending, accept: "text/html" });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain("Sign in again");
    expect(logged(from)).toContain("the state does not match the sign-in this browser started");
    // An open redirect.
    for (const next of ["https://evil.example", "//evil.example/x", "/\\evil.example"]) {
      const answer = await get(`${app.url}/_dash/auth/login?next=${encodeURIComponent(next)}`);
      expect(answer.status, next).toBe(403);
      expect(answer.headers.location).toBeUndefined();
    }
    expect(logged(from)).toContain('refused to return to "https://evil.example"');
    // A forged cookie, one sealed with another secret, an expired one: the page goes to sign in, the WebSocket gets 401.
    const user = { email: "ada@example.com", name: "Ada", sub: "ada@example.com", groups: [], claims: {} };
    const foreign = await sealer("another-secret-another-secret-another-secret", "session").seal({ user }, 3600);
    const expired = await sealer(cookieSecret, "session").seal({ user }, -60);
    for (const [what, value, reason] of [
      ["forged", "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..AAAA.BBBB.CCCC", "the cookie is malformed"],
      ["foreign", foreign, "the cookie was sealed with another secret"],
      ["expired", expired, "the sign-in expired"],
    ] as const) {
      const at = logs.length;
      const headers = { cookie: `dash_session=${value}` };
      const page = await get(app.url, { ...headers, accept: "text/html" });
      expect(page.status, what).toBe(302);
      expect(page.headers.location, what).toMatch(new RegExp(`^${provider.issuer}/auth\\?`));
      expect((await connect(app.url, headers)).status, what).toBe(401);
      expect((await get(`${app.url}/_dash/client.js`, headers)).status, what).toBe(401);
      expect(logged(at), what).toContain(reason);
    }
    // Past 16 KB of headers Node answers 431 itself, and the server carries on.
    expect((await get(app.url, { cookie: `dash_session=${"x".repeat(17 * 1024)}` })).status).toBe(431);
    // A valid cookie from another replica (same secret) is accepted, with no call to the provider.
    const hits = provider.hits.length;
    const good = await sealer(cookieSecret, "session").seal({ user }, 3600);
    expect((await get(app.url, { cookie: `dash_session=${good}` })).status).toBe(200);
    const upgrade = await connect(app.url, { cookie: `dash_session=${good}` });
    expect(upgrade.messages.join("")).toContain("user: ada@example.com · Ada");
    upgrade.ws?.close();
    expect(provider.hits.length).toBe(hits);
    const all = logs.join("\n");
    for (const secret of [provider.clientSecret, cookieSecret, good, foreign]) expect(all).not.toContain(secret);
  });
});
