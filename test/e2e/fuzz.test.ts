/**
 * Issue 16's fuzzer, bounded for CI: 5,000 hostile messages over 20 sockets (bench/lib/fuzz.mjs;
 * the bench sends 100,000) against a real `npx dash serve`. Meanwhile a viewer clicking over its
 * own socket misses no update, a Chromium viewer keeps working, the server never exits, and its
 * memory afterwards stays near where it was.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser } from "playwright-core";
import { launch, open, root, see } from "./harness.ts";
import { serve, type ServedApp } from "../support/dash-serve.ts";
import { fuzz, helloViewer } from "../../bench/lib/fuzz.mjs";

let browser: Browser;
let app: ServedApp;
beforeAll(async () => {
  [browser, app] = await Promise.all([launch(), serve(path.join(root, "examples/hello/app.ts"))]);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe("fuzzing the WebSocket", () => {
  test("5,000 malformed messages over 20 sockets: the server lives, other viewers lose nothing, memory stays bounded", async () => {
    const page = await open(browser, app.url);
    const viewer = await helloViewer(app.url);
    await viewer.click();
    const before = app.rssMb();
    let clicking = true;
    let clicks = 1;
    const clicked = (async () => {
      while (clicking) {
        await viewer.click(20_000);
        clicks++;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const stats = await fuzz({ url: app.url, count: 5000, sockets: 20, seed: 7 });
    clicking = false;
    await clicked;
    expect(stats.sent).toBe(5000);
    expect(Object.keys(stats.byKind).length).toBeGreaterThanOrEqual(12);
    expect(app.exitCode()).toBeNull();
    expect(viewer.confirmed()).toBe(clicks); // every click came back
    expect(viewer.open()).toBe(true);
    await page.getByRole("button", { name: "Click me" }).click();
    await see(page, "Clicked 1 times");
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(app.rssMb() - before).toBeLessThan(100);
    viewer.close();
    await page.close();
  }, 120_000);
});
