/**
 * The script model in a real browser: output appears while a run awaits and the previous run's
 * unreached output is marked stale; a runaway script is stopped without freezing other viewers;
 * a folder of scripts is a multi-page app.
 */
import path from "node:path";
import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import type { RunningApp } from "../../packages/cli/src/app.ts";
import { chromiumAndApps, open, root, see, textStartingWith, waitIdle } from "./harness.ts";

const e2e = chromiumAndApps();

const start = (entry: string, scriptTimeout?: number): Promise<RunningApp> =>
  e2e.start({ entry: path.join(root, entry), ...(scriptTimeout ? { scriptTimeout } : {}) });

const running = (page: Page): Promise<boolean> => page.evaluate(() => (window as unknown as { __dash: { ui(): { running: boolean } } }).__dash.ui().running);

describe("the script model", () => {
  test("output appears while the run awaits; unreached output of the previous run is stale until redrawn", async () => {
    const app = await start("examples/slow/app.ts");
    const context = await e2e.browser.newContext();
    const page = await context.newPage();
    await page.goto(app.url);
    // The title and the first step are on screen while the run is still going.
    await see(page, "Paris · step 1: Connecting", 5000);
    expect(await running(page)).toBe(true);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("A slow script");
    await page.locator(".el-spinner").first().waitFor();
    await see(page, "Finished Paris", 8000);
    await waitIdle(page);

    // A new input: the old steps stay visible, greyed, until this run reaches them.
    await page.getByLabel("City").selectOption({ label: "Oslo" });
    await page.locator(".dash-stale", { hasText: "Paris · step 3: Aggregating" }).waitFor({ timeout: 3000 });
    expect(await page.locator(".dash-stale", { hasText: "Finished Paris" }).count()).toBe(1);
    expect(await page.locator(".dash-stale", { hasText: "A slow script" }).count()).toBe(0);
    await see(page, "Oslo · step 1: Connecting");
    await see(page, "Finished Oslo", 8000);
    await waitIdle(page);
    expect(await page.locator(".dash-stale").count()).toBe(0);
    expect(await page.locator(".dash-text", { hasText: "Paris" }).count()).toBe(0);

    // Quick inputs interrupt the running run: the page ends in the state of the last one,
    // and no output of an interrupted run shows up after the new run has begun.
    await page.getByLabel("City").selectOption({ label: "Lima" });
    await see(page, "Lima · step 1: Connecting");
    await page.getByLabel("City").selectOption({ label: "Paris" });
    await page.getByLabel("City").selectOption({ label: "Oslo" });
    await see(page, "Finished Oslo", 10_000);
    await waitIdle(page);
    expect(await page.locator(".dash-text").allInnerTexts()).toEqual(["Oslo · step 1: Connecting", "Oslo · step 2: Querying", "Oslo · step 3: Aggregating"]);
    await context.close();
  });

  test("a runaway script is stopped after --script-timeout; a session on another page keeps getting updates", async () => {
    const app = await start("examples/runaway/app.ts", 2);
    // Sessions go to the least busy worker; the second starts a second after the first is ready.
    // Until then both viewers would share one worker, which is the point of the test.
    await expect.poll(() => app.host.workerCount, { timeout: 10_000 }).toBe(2);
    const healthyContext = await e2e.browser.newContext();
    const runawayContext = await e2e.browser.newContext();
    const healthy = await open(healthyContext, app.url);
    const runaway = await open(runawayContext, app.url);
    const beat = async (page: Page): Promise<number> => Number((await textStartingWith(page, "Heartbeat")).split(" ")[1]);

    await runaway.getByRole("button", { name: "Start an infinite loop" }).click();
    // While the loop spins (2 s), the healthy viewer's fragment keeps ticking every 500 ms.
    const samples: number[] = [];
    for (let i = 0; i < 4; i++) {
      samples.push(await beat(healthy));
      await healthy.waitForTimeout(450);
    }
    expect(samples[3]! - samples[0]!).toBeGreaterThanOrEqual(2);

    const banner = runaway.getByRole("alert").filter({ hasText: "The script was stopped" });
    await banner.waitFor({ timeout: 8000 });
    expect(await banner.innerText()).toContain("ran longer than 2 s");
    // The runaway viewer keeps the last good output, and an input runs the script again.
    await see(runaway, "Hello, world!");
    const name = runaway.getByLabel("Your name");
    await name.click();
    await runaway.keyboard.press("ControlOrMeta+A");
    await runaway.keyboard.type("again");
    await runaway.keyboard.press("Enter");
    await see(runaway, "Hello, again!");
    await banner.waitFor({ state: "detached" });
    expect(await beat(healthy)).toBeGreaterThan(samples[3]!);
    await healthyContext.close();
    await runawayContext.close();
  });

  test("a folder of scripts is a multi-page app with navigation", async () => {
    const app = await start("examples/pages");
    const context = await e2e.browser.newContext();
    const page = await open(context, app.url);
    const nav = page.getByRole("navigation", { name: "Pages" });
    // Each link reads as its page's title; a page's icon stands before it, hidden from screen readers.
    const links = await nav.getByRole("link").evaluateAll((elements) =>
      elements.map((a) => ({
        name: [...a.childNodes]
          .filter((n) => !(n instanceof Element && n.getAttribute("aria-hidden") === "true"))
          .map((n) => n.textContent)
          .join(""),
        icon: a.querySelector(".dash-page-icon")?.textContent ?? null,
      })),
    );
    expect(links).toEqual([
      { name: "Overview", icon: "🏙️" },
      { name: "Explore", icon: "🔎" },
      { name: "About", icon: null },
    ]);
    expect(await nav.getByRole("link", { name: "Overview" }).getAttribute("aria-current")).toBe("page");
    await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 7));

    await nav.getByRole("link", { name: "Explore" }).click();
    await page.waitForURL(/\/explore/);
    await page.getByRole("heading", { level: 1, name: "Explore" }).waitFor();
    await see(page, "6 cities with at least 1 million people");
    const slider = page.getByRole("slider", { name: "Minimum population (millions)" });
    await slider.focus();
    for (let i = 0; i < 12; i++) await page.keyboard.press("ArrowRight");
    await see(page, "4 cities with at least 7 million people");
    await page.waitForURL(/[?&]min=7\b/);

    await nav.getByRole("link", { name: "About" }).click();
    await page.waitForURL(/\/about/);
    await see(page, "Visits counted on the overview page: 1");
    expect(await page.title()).toBe("About");

    await page.goBack();
    await page.getByRole("heading", { level: 1, name: "Explore" }).waitFor();
    // Navigation happened in place: same document, same session.
    expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(7);

    // A page's own URL opens it directly.
    const direct = await open(context, `${app.url}/about`);
    await direct.getByRole("heading", { level: 1, name: "About" }).waitFor();
    await context.close();
  });
});
