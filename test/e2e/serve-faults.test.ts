/**
 * `while (true) {}` in a script under a real `npx dash serve` process (faults.test.ts covers it
 * in-process): the viewer whose run froze is told, the other viewers' sessions go on with what
 * they entered meanwhile, and the process never stops serving.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import { fixture, launch, open, see } from "./harness.ts";
import { serve, type ServedApp } from "../support/dash-serve.ts";

let browser: Browser;
let app: ServedApp;
beforeAll(async () => {
  // One worker: both viewers' sessions live on the worker that freezes.
  [browser, app] = await Promise.all([launch(), serve(fixture("faults.ts"), ["--workers", "1", "--script-timeout", "3"])]);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const typeName = async (page: Page, text: string): Promise<void> => {
  await page.getByLabel("Name").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type(text);
  await page.keyboard.press("Enter");
};

describe("dash serve under a frozen script", () => {
  test("while (true) {} under dash serve: the viewer is told, the other viewer goes on, the server stays up", async () => {
    const context = await browser.newContext();
    const frozen = await open(context, app.url);
    const other = await open(context, app.url);
    await typeName(other, "before");
    await see(other, "Hello before, N=0, added=0");

    await frozen.getByRole("button", { name: "Freeze" }).click();
    await other.waitForTimeout(300); // the freeze has begun
    await typeName(other, "during");
    await other.getByRole("button", { name: "Add" }).click();

    await frozen.getByRole("alert").filter({ hasText: "ran longer than 3 s" }).waitFor({ timeout: 20_000 });
    await see(other, "Hello during, N=0, added=1", 20_000);
    expect(app.exitCode()).toBeNull();
    await frozen.screenshot({ path: fixture("../out/serve-frozen.png") });
    // Both carry on.
    await typeName(frozen, "again");
    await see(frozen, "Hello again, N=0, added=0", 15_000);
    await other.getByRole("button", { name: "Add" }).click();
    await see(other, "Hello during, N=0, added=2");
    expect(app.stderr()).not.toMatch(/Uncaught|FATAL/);
    await context.close();
  }, 90_000);
});
