/**
 * The live-hashtags example end to end: a local Cloud Storage server, the window generator and
 * the app, with a 1 s poll. Two Chromium pages both show a new window with no interaction; the
 * server sees one listing per interval however many sessions read the bucket (2 pages, then 20
 * more raw WebSocket sessions); stopping the server marks the data stale with the error, and
 * restarting it clears the mark.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Storage } from "@google-cloud/storage";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import WebSocket from "ws";
import type { RunningApp } from "../../packages/cli/src/app.ts";
import { startGcsServer, type GcsServer } from "../../packages/runtime/src/local/gcs-server.ts";
import { startGenerator, type Generator } from "../../examples/live-hashtags/generator.mjs";
import { launch, open, root, startApp } from "./harness.ts";

const bucket = "e2e-hashtags";
const every = 1000;
let dir: string;
let gcs: GcsServer;
let generator: Generator;
let app: RunningApp;
let browser: Browser;
const saved = { ...process.env };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "dash-hashtags-"));
  gcs = await startGcsServer({ dir });
  // Workers copy the environment when they start: set it before the app.
  Object.assign(process.env, { STORAGE_EMULATOR_HOST: gcs.url, HASHTAGS_BUCKET: bucket, HASHTAGS_EVERY: `${every}ms`, HASHTAGS_WINDOWS: "6" });
  generator = await startGenerator({ bucket, every: 5000, backfill: 4, storage: new Storage({ apiEndpoint: gcs.url, projectId: "local" }) });
  generator.stop(); // the test writes windows itself, when it wants them
  app = await startApp({ entry: path.join(root, "examples/live-hashtags/app.ts") });
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await gcs?.close();
  for (const name of ["STORAGE_EMULATOR_HOST", "HASHTAGS_BUCKET", "HASHTAGS_EVERY", "HASHTAGS_WINDOWS"]) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The "Window (UTC)" metric's text. */
const windowShown = (page: Page) => page.locator(".dash-metric").first().textContent();
const listings = () => gcs.requests.filter((r) => r.method === "GET" && r.path.includes(`/b/${bucket}/o?`)).length;

/** Times (ms) at which the server saw a listing of the bucket, over `ms`. */
async function listingTimes(ms: number): Promise<number[]> {
  const times: number[] = [];
  let seen = listings();
  const started = Date.now();
  while (Date.now() - started < ms) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = listings();
    for (; seen < now; seen++) times.push(Date.now() - started);
  }
  return times;
}

/** One listing per interval: as many as intervals fit, and never two close together. */
function expectOnePerInterval(times: number[], ms: number): void {
  expect(times.length).toBeGreaterThanOrEqual(Math.floor(ms / every) - 2);
  expect(times.length).toBeLessThanOrEqual(Math.ceil(ms / every) + 1);
  for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(every * 0.8);
}

describe("live-hashtags", () => {
  let pages: Page[];

  test("two pages both show a new window without any interaction", async () => {
    pages = [await open(browser, app.url), await open(browser, app.url)];
    const before = await windowShown(pages[0]!);
    expect(await windowShown(pages[1]!)).toBe(before);
    await generator.writeNow();
    for (const page of pages) await page.waitForFunction((text) => document.querySelector(".dash-metric")?.textContent !== text, before, { timeout: 5000 });
    const after = await windowShown(pages[0]!);
    expect(after).not.toBe(before);
    expect(await windowShown(pages[1]!)).toBe(after);
    expect(await pages[0]!.locator(".dash-chart, .dash-el").count()).toBeGreaterThan(3);
  });

  test("one listing per interval with 2 pages, and with 20 more WebSocket sessions", async () => {
    expectOnePerInterval(await listingTimes(4000), 4000);
    const sockets = await Promise.all(
      Array.from({ length: 20 }, () => {
        const ws = new WebSocket(`${app.url.replace("http", "ws")}/_dash/ws`);
        ws.on("open", () => ws.send(JSON.stringify({ t: "hello" })));
        return new Promise<WebSocket>((resolve) => ws.on("message", (data, binary) => !binary && String(data).includes('"status":"idle"') && resolve(ws)));
      }),
    );
    expect(app.host.sessionCount).toBeGreaterThanOrEqual(22);
    expectOnePerInterval(await listingTimes(4000), 4000);
    for (const ws of sockets) ws.close();
  });

  test("a stopped server marks the data stale with the error; a restarted one clears the mark", async () => {
    const page = pages[0]!;
    const window = await windowShown(page);
    const port = gcs.port;
    await gcs.close();
    const status = page.locator(".dash-source-status");
    await status.waitFor({ state: "visible", timeout: 8000 });
    expect(await status.innerText()).toMatch(/Stale data from gs:\/\/e2e-hashtags\/windows\/: last updated/);
    expect(await page.locator(".dash-source-error").innerText()).toMatch(/could not reach Cloud Storage|ECONNREFUSED/);
    expect(await windowShown(page)).toBe(window); // the last good data stays
    expect(await pages[1]!.locator(".dash-source-status").count()).toBe(1);

    gcs = await startGcsServer({ dir, port });
    await status.waitFor({ state: "detached", timeout: 15_000 });
    await pages[1]!.locator(".dash-source-status").waitFor({ state: "detached", timeout: 5000 });
    expect(await windowShown(page)).toBe(window);
  });
});
