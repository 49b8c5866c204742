/**
 * docs/tutorial.md walked through in Chromium, as a newcomer would: the first dashboard follows
 * its sliders and takes an edit of the file in place (keeping the sliders); the live one updates
 * by itself every 2 s and its chart's tooltip lists every channel. Screenshots of each step go
 * to test-results/tutorial-*.png.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { chromiumAndApps, open, root, see } from "./harness.ts";

const e2e = chromiumAndApps();
const shots = path.join(root, "test-results");
mkdirSync(shots, { recursive: true });
// The first app is copied, so that the test can edit and save it as the tutorial asks.
const folder = mkdtempSync(path.join(tmpdir(), "dash-tutorial-"));
// (Removed when the process exits: the app watching it closes after this file's tests.)
process.once("exit", () => rmSync(folder, { recursive: true, force: true }));

describe("the tutorial, step by step", () => {
  test("1. the first dashboard: sliders, then an edit of the file, in place", async () => {
    cpSync(path.join(root, "examples/tutorial/first.ts"), path.join(folder, "first.ts"));
    const app = await e2e.start({ entry: path.join(folder, "first.ts"), watch: true });
    const context = await e2e.browser.newContext({ viewport: { width: 1100, height: 1100 } });
    const page = await open(context, app.url);
    const metric = page.getByRole("group", { name: "Visitors on the last day" });
    expect(await metric.innerText()).toMatch(/1,335\s*▲\s*\+335/);
    await page.locator(".dash-chart-plot svg").first().waitFor();
    await page.screenshot({ path: path.join(shots, "tutorial-1-first.png"), fullPage: true });

    // A negative growth: the delta turns red and points down.
    const growth = page.getByRole("slider", { name: "Daily growth (%)" });
    await growth.focus();
    for (let i = 0; i < 6; i++) await page.keyboard.press("ArrowLeft"); // 1 → -2
    await expect.poll(() => metric.innerText()).toMatch(/▼\s*-/);
    expect(await metric.locator(".dash-metric-delta").getAttribute("class")).toContain("bad");

    // Save an edit: the page takes it in place and keeps the slider.
    const file = path.join(folder, "first.ts");
    writeFileSync(file, readFileSync(file, "utf8").replace('dash.title("My first dashboard")', 'dash.title("Visitors")'));
    await page.getByRole("heading", { level: 1, name: "Visitors" }).waitFor({ timeout: 20_000 });
    expect(await growth.inputValue()).toBe("-2");
    await expect.poll(() => metric.innerText()).toMatch(/▼\s*-/);
    await page.screenshot({ path: path.join(shots, "tutorial-1-edited.png"), fullPage: true });
    await context.close();
  });

  test("2. the live dashboard updates by itself; its tooltip lists every channel", async () => {
    const app = await e2e.start({ entry: path.join(root, "examples/tutorial/live.ts") });
    const context = await e2e.browser.newContext({ viewport: { width: 1300, height: 1000 } });
    const page = await open(context, app.url);
    await see(page, "Shop, live");
    expect(await page.getByRole("group", { name: "Orders" }).innerText()).toMatch(/^Orders\s*30[01]$/);
    // The newest order (first row) changes without any input: the poll every 2 s reruns the page.
    const newest = (): Promise<string> => page.locator(".dash-grid-row").first().innerText();
    await page.locator(".dash-grid-row").first().waitFor();
    const before = await newest();
    await expect.poll(newest, { timeout: 15_000 }).not.toBe(before);

    // Hover the chart: app, store and web at the minute under the pointer.
    const svg = page.locator(".dash-chart-plot svg").last();
    const box = (await svg.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
    await page.mouse.move(box.x + box.width * 0.6 + 3, box.y + box.height * 0.5);
    const tip = page.getByRole("tooltip");
    await tip.waitFor();
    expect(await tip.locator(".dash-series-tip-row .dash-series-name").allInnerTexts()).toEqual(["app", "store", "web"]);
    expect(await tip.locator(".dash-series-tip-x").innerText()).toMatch(/^minute \d{4}-\d\d-\d\d \d\d:\d\d$/);
    await page.screenshot({ path: path.join(shots, "tutorial-2-live.png"), fullPage: true });

    // The window slider: one minute holds about 30 orders.
    const slider = page.getByRole("slider", { name: "Last minutes" });
    await slider.focus();
    await page.keyboard.press("Home");
    await expect.poll(() => page.getByRole("group", { name: "Orders" }).innerText()).toMatch(/^Orders\s*(29|30|31)$/);
    await context.close();
  });
});
