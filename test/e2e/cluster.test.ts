/**
 * Three `npx dash serve` replicas on one redis-server behind nginx (round-robin, no stickiness),
 * Chromium viewers. The viewer's replica is killed outright, then the one it moved to is drained:
 * the page follows to the last replica with its text input, slider and `dash.state`, without a
 * reload. Then Redis stops for a while and comes back: the pages keep working throughout, and the
 * cluster writes its sessions again by itself.
 */
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import { createClient, RESP_TYPES } from "redis";
import { decodeSnapshot } from "../../packages/runtime/src/cluster/snapshot.ts";
import { launch, root, see, sessionOf, waitIdle } from "./harness.ts";
import { serve, type ServedApp } from "../support/dash-serve.ts";
import { startNginx, type TestNginx } from "../support/nginx.ts";
import { startRedis, type TestRedis } from "../support/redis.ts";

let browser: Browser;
let redis: TestRedis;
let nginx: TestNginx;
let replicas: ServedApp[] = [];

/** The session's hash as Redis holds it. */
async function stored(sid: string): Promise<{ owner: string; clicks: unknown } | null> {
  const client = createClient({ url: redis.url }).withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  await client.connect();
  const [owner, data] = await client.hmGet(`dash:cluster:session:${sid}`, ["owner", "data"]);
  await client.close();
  return owner && data ? { owner: String(owner), clicks: decodeSnapshot(data).state.clicks } : null;
}

/** The replica that owns the session now (each logs its owner id at start). */
async function ownerOf(sid: string): Promise<ServedApp> {
  let found: ServedApp | undefined;
  await expect
    .poll(
      async () => {
        const owner = (await stored(sid))?.owner;
        found = replicas.find((replica) => replica.exitCode() === null && owner && replica.stderr().includes(owner));
        return found !== undefined;
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  return found!;
}

/** The page reconnected and shows its session again: connected, idle, same window. */
async function resumed(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as unknown as { __dash: { ui(): { connection: string } } }).__dash.ui().connection === "reconnecting", undefined, {
    timeout: 15_000,
    polling: 20,
  });
  await waitIdle(page);
}

beforeAll(async () => {
  redis = await startRedis();
  const entry = path.join(root, "test/fixtures/cluster.ts");
  [browser, ...replicas] = await Promise.all([launch(), ...[0, 1, 2].map(() => serve(entry, ["--redis-url", redis.url, "--drain-timeout", "5"]))]);
  nginx = await startNginx(replicas.map((replica) => replica.port));
});
afterAll(async () => {
  await browser?.close();
  await nginx?.stop();
  await Promise.all(replicas.map((replica) => replica.stop()));
  await redis?.stop();
});

test("killed, then drained: the viewer resumes on the last replica with input, slider and state, no reload; Redis stops and comes back", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(nginx.url);
  await waitIdle(page);
  await page.evaluate(() => ((window as unknown as { marker: string }).marker = "same window"));
  // Two more viewers, so the three replicas all hold someone.
  const others = await Promise.all([1, 2].map(() => context.newPage()));
  for (const other of others) {
    await other.goto(nginx.url);
    await waitIdle(other);
  }
  await page.bringToFront();

  await page.getByRole("textbox", { name: "Name" }).fill("Ada Lovelace");
  await page.getByRole("textbox", { name: "Name" }).press("Enter");
  await see(page, "name=Ada Lovelace level=2 clicks=0", 10_000);
  const slider = page.getByRole("slider", { name: "Level" });
  await slider.focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowRight");
  await see(page, "name=Ada Lovelace level=5 clicks=0", 10_000);
  await page.getByRole("button", { name: "Add" }).click();
  await see(page, "name=Ada Lovelace level=5 clicks=1", 10_000);
  await page.getByRole("button", { name: "Add" }).click();
  await see(page, "name=Ada Lovelace level=5 clicks=2", 10_000);
  const sid = (await sessionOf(page))!;
  await expect.poll(async () => (await stored(sid))?.clicks, { timeout: 5000 }).toBe(2);

  // 1. The viewer's replica dies outright.
  const first = await ownerOf(sid);
  const reconnecting = resumed(page);
  await first.kill("SIGKILL");
  await reconnecting;
  await see(page, "name=Ada Lovelace level=5 clicks=2", 10_000);
  const second = await ownerOf(sid);
  expect(second).not.toBe(first);

  // 2. The replica it moved to is drained (a rolling deploy).
  const draining = resumed(page);
  const drained = second.kill("SIGTERM");
  await draining;
  expect((await drained).code).toBe(0);
  expect(second.stderr()).toMatch(/drained in \d+ ms/);
  await see(page, "name=Ada Lovelace level=5 clicks=2", 10_000);
  const last = await ownerOf(sid);
  expect([first, second]).not.toContain(last);

  // Same session, same window (no reload), the widgets show the values, and it still works.
  expect(await sessionOf(page)).toBe(sid);
  expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe("same window");
  await expect.poll(() => page.getByRole("textbox", { name: "Name" }).inputValue()).toBe("Ada Lovelace");
  expect(await slider.inputValue()).toBe("5");
  await page.getByRole("button", { name: "Add" }).click();
  await see(page, "name=Ada Lovelace level=5 clicks=3", 10_000);
  for (const other of others) await waitIdle(other);
  await page.screenshot({ path: path.join(root, "node_modules/.cache/cluster-resumed.png") });

  // 3. Redis stops for a while: the pages keep working from the replica's own state.
  await redis.stop();
  await page.getByRole("button", { name: "Add" }).click();
  await see(page, "name=Ada Lovelace level=5 clicks=4", 10_000);
  await expect.poll(() => last.stderr(), { timeout: 10_000 }).toMatch(/Redis unreachable/);
  await new Promise((resolve) => setTimeout(resolve, 2000)); // "a while"
  await page.getByRole("button", { name: "Add" }).click();
  await see(page, "name=Ada Lovelace level=5 clicks=5", 10_000);
  expect(await page.evaluate(() => (window as unknown as { __dash: { ui(): { connection: string } } }).__dash.ui().connection)).toBe("connected");

  // It comes back (empty): the replica rejoins and writes its sessions again by itself.
  await redis.start();
  await expect.poll(() => last.stderr(), { timeout: 15_000 }).toMatch(/Redis is back/);
  await expect.poll(async () => (await stored(sid))?.clicks, { timeout: 10_000 }).toBe(5);
  const metrics = await fetch(`${last.url}/metrics`).then((res) => res.text());
  expect(metrics).toMatch(/^dash_redis_up 1$/m);
  expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe("same window");
  await context.close();
}, 120_000);
