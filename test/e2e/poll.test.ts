/**
 * `poll()` as issue 15 found it, through the real server (`startApp` from the built CLI) with two
 * script workers: a first fetch that fails is retried and an open page recovers by itself (15.1);
 * one fetch per key per process however many workers read it, and no polling for sessions that
 * no browser is connected to, resuming when one comes back (15.4).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import WebSocket from "ws";
import type { RunningApp } from "../../packages/cli/src/app.ts";
import { launch, root, see, startApp } from "./harness.ts";

let dir: string;
let browser: Browser;
const apps: RunningApp[] = [];
const shots = path.join(root, "test-results");
const envKeys = new Set<string>();

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  for (const key of envKeys) delete process.env[key]; // (process.env itself is what workers copy)
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Start a fixture with `env` set first (workers copy the environment when they start). */
async function start(name: string, env: Record<string, string>): Promise<RunningApp> {
  Object.assign(process.env, env);
  for (const key of Object.keys(env)) envKeys.add(key);
  const app = await startApp({ entry: path.join(root, "test/fixtures", name), workers: 2 });
  apps.push(app);
  return app;
}

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean) : []);

async function until(what: string, predicate: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A viewer speaking dash's protocol: the text of every message it got, and its session id. */
interface Viewer {
  ws: WebSocket;
  texts: string[];
  session: Promise<string>;
  /** The last "worker W fetches N" the page showed. */
  shown(): { worker: number; fetches: number } | null;
}

function viewer(app: RunningApp, session?: string): Viewer {
  const ws = new WebSocket(`${app.url.replace("http", "ws")}/_dash/ws`);
  const texts: string[] = [];
  let resolveSession!: (id: string) => void;
  const result: Viewer = {
    ws,
    texts,
    session: new Promise((resolve) => (resolveSession = resolve)),
    shown() {
      for (let i = texts.length - 1; i >= 0; i--) {
        const match = /worker (\d+) fetches (\d+)/.exec(texts[i]!);
        if (match) return { worker: Number(match[1]), fetches: Number(match[2]) };
      }
      return null;
    },
  };
  ws.on("open", () => ws.send(JSON.stringify({ t: "hello", ...(session ? { session } : {}) })));
  ws.on("message", (data, binary) => {
    if (binary) return;
    const text = String(data);
    texts.push(text);
    const hello = JSON.parse(text) as { t: string; session?: string };
    if (hello.t === "hello" && hello.session) resolveSession(hello.session);
  });
  return result;
}

const closed = (ws: WebSocket): Promise<void> => new Promise((resolve) => (ws.readyState === ws.CLOSED ? resolve() : ws.once("close", () => resolve())));

describe("poll()", () => {
  test("a first fetch that fails is retried with backoff, and the open page recovers by itself", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "dash-poll-"));
    const flag = path.join(dir, "FLAG");
    const log = path.join(dir, "fetches.log");
    writeFileSync(flag, "");
    const app = await start("poll-retry.ts", { DASH_TEST_FLAG: flag, DASH_TEST_POLL_LOG: log });
    const page = await browser.newPage();
    await page.goto(app.url);
    await see(page, /Could not load poll\("src"\): down/, 10_000);
    await until("a retry after the failed first fetch", () => lines(log).length >= 2);
    rmSync(flag);
    // No interaction: the page shows the data once a retry succeeds (backoff 1 s, 2 s, 4 s…).
    await see(page, "loaded", 15_000);
    expect(await page.getByText('Could not load poll("src")').count()).toBe(0);
    await page.close();
  });

  test("is one fetch per key per process however many workers read it", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "dash-poll-"));
    const log = path.join(dir, "fetches.log");
    const app = await start("poll-shared.ts", { DASH_TEST_POLL_LOG: log, DASH_TEST_EVERY: "300ms" });
    await until("both workers", () => app.host.workerCount === 2);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the second worker gets ready
    const viewers = Array.from({ length: 8 }, () => viewer(app));
    await until("every viewer's first page", () => viewers.every((v) => v.shown() !== null));
    expect(new Set(viewers.map((v) => v.shown()!.worker)).size).toBe(2); // sessions on both workers
    const before = lines(log).length;
    const started = Date.now();
    await until("10 more fetches", () => lines(log).length >= before + 10);
    const elapsed = Date.now() - started;
    const times = lines(log)
      .slice(before)
      .map((line) => Number(line.split(" ")[0]));
    // One timer for the process: fetches come one interval apart, never two at once (one per
    // worker was the bug), and every viewer on either worker sees the latest count.
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(150);
    expect(elapsed).toBeGreaterThan(9 * 300 - 100);
    const latest = lines(log).length;
    await until("every viewer to show a recent count", () => viewers.every((v) => v.shown()!.fetches >= latest - 1));
    for (const v of viewers) v.ws.close();
    await Promise.all(viewers.map((v) => closed(v.ws)));
  });

  test("stops polling when no browser is connected to a session that reads it, and resumes when one comes back", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "dash-poll-"));
    const log = path.join(dir, "fetches.log");
    const app = await start("poll-shared.ts", { DASH_TEST_POLL_LOG: log, DASH_TEST_EVERY: "200ms" });
    const first = viewer(app);
    const session = await first.session;
    await until("a few fetches", () => lines(log).length >= 4);
    first.ws.close();
    await closed(first.ws);
    await new Promise((resolve) => setTimeout(resolve, 400)); // a fetch under way may finish
    const whileAway = lines(log).length;
    await new Promise((resolve) => setTimeout(resolve, 2000)); // 10 intervals with nobody looking
    expect(lines(log).length).toBe(whileAway);
    expect(app.host.sessionCount).toBe(1); // the session is kept for a reconnect

    const back = viewer(app, session);
    expect(await back.session).toBe(session);
    await until("polling to resume", () => lines(log).length >= whileAway + 3);
    await until("the returning viewer to see new data", () => (back.shown()?.fetches ?? 0) > whileAway);
    back.ws.close();
    await closed(back.ws);
  });

  test("elements drawn from a failing source's data are dimmed and say since when; recovery clears the mark", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "dash-poll-"));
    const flag = path.join(dir, "FLAG");
    const app = await start("poll-stale.ts", { DASH_TEST_FLAG: flag });
    const page = await browser.newPage();
    await page.goto(app.url);
    await see(page, "rows: 4", 10_000);
    await page.locator(".el-chart svg").first().waitFor({ timeout: 10_000 });
    const marked = page.locator(".dash-data-stale");
    expect(await marked.count()).toBe(0);

    writeFileSync(flag, "");
    await page.locator(".dash-source-status").waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => document.querySelectorAll(".dash-data-stale").length === 2, undefined, { timeout: 10_000 });
    // The table and the chart given the data as poll() returned it; not the text, nor the table
    // of a filtered copy.
    expect(await marked.evaluateAll((els) => els.map((el) => el.classList[1]))).toEqual(["el-table", "el-chart"]);
    const title = (await marked.first().getAttribute("title")) ?? "";
    expect(title).toMatch(/^Stale data from poll\("src"\), last updated \d{1,2}:\d{2}:\d{2}.*: upstream down\. Retrying\.$/);
    expect(await marked.first().getAttribute("aria-description")).toBe(title);
    expect(Number(await marked.first().evaluate((el) => getComputedStyle(el).opacity))).toBeLessThan(1);
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, "poll-stale-data.png"), fullPage: true });

    rmSync(flag);
    await page.locator(".dash-source-status").waitFor({ state: "detached", timeout: 15_000 });
    await page.waitForFunction(() => document.querySelectorAll(".dash-data-stale").length === 0, undefined, { timeout: 5000 });
    await page.close();
  });
});
