/**
 * A source down for "minutes", compressed for CI: `npx dash serve` polls an HTTP API every 100 ms
 * (bench/fixtures/source-app.ts; the bench, bench/source-down.bench.mjs, polls every second for
 * 2 minutes). The API refuses connections for 20 s, some 200 polls' worth. Chromium watches: the
 * page says the data is stale and keeps its last value and the viewer's input, takes input while
 * the source is down, and shows the new value, without the stale notice, once the API is back.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Browser } from "playwright-core";
import { launch, root, see } from "./harness.ts";
import { serve, type ServedApp } from "../support/dash-serve.ts";

const downFor = 20_000;
let value = "first";
const api = http.createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ value })));
const listen = (port = 0): Promise<number> => new Promise((resolve) => api.listen(port, "127.0.0.1", () => resolve((api.address() as AddressInfo).port)));
let browser: Browser;
let app: ServedApp;

beforeAll(async () => {
  const port = await listen();
  [browser, app] = await Promise.all([
    launch(),
    serve(path.join(root, "bench/fixtures/source-app.ts"), [], { SOURCE_URL: `http://127.0.0.1:${port}/`, SOURCE_EVERY: "100ms" }),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  api.close();
});

const note = async (page: import("playwright-core").Page, text: string): Promise<void> => {
  await page.getByLabel("Note").fill(text);
  await page.getByLabel("Note").press("Enter");
  await see(page, `Note: ${text}`, 15_000);
};

test("a source down for 200 polls: stale notice, last value and input kept, recovery", { timeout: 180_000 }, async () => {
  const page = await browser.newPage();
  await page.goto(app.url);
  await see(page, "Value: first", 30_000);
  await note(page, "typed before");
  const port = (api.address() as AddressInfo).port;

  api.closeAllConnections();
  await new Promise((resolve) => api.close(resolve));
  const wentDown = Date.now();
  await see(page, /Stale data/, 15_000);
  await see(page, "Value: first");
  await see(page, "Note: typed before");
  await note(page, "typed while down"); // the script still runs, on the last good data
  while (Date.now() - wentDown < downFor) {
    await page.waitForTimeout(Math.min(5_000, downFor - (Date.now() - wentDown)));
    expect(await page.getByText("Value: first").count(), "last value kept while down").toBe(1);
    expect(await page.getByText(/Stale data/).count(), "stale notice while down").toBeGreaterThan(0);
  }
  await page.screenshot({ path: path.join(root, "test/e2e/out/source-down.png") });

  value = "second";
  await listen(port);
  // Retries back off from the interval, doubling: about 20 s between them by now.
  await see(page, "Value: second", 60_000);
  await see(page, "Note: typed while down");
  await expect.poll(() => page.getByText(/Stale data/).count(), { timeout: 15_000 }).toBe(0);
  expect(app.exitCode()).toBeNull();
});
