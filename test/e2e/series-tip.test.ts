/**
 * Issue 15.5: hovering a line chart of several series shows every series' value at the x under
 * the pointer (a rule, a dot per line, a list of values), as Grafana and Streamlit do, not only
 * the nearest point's. Over y columns, over a color column with dates, and downsampled.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { chromiumAndApps, fixture, open, root } from "./harness.ts";

const e2e = chromiumAndApps();
const shots = path.join(root, "test-results");

/** Move the pointer over chart `n` at data x `x` (through the figure's own x scale), at 40 % of its height. */
async function hover(page: Page, n: number, x: number): Promise<void> {
  const chart = page.locator(".dash-chart-plot").nth(n);
  await chart.locator("svg").last().waitFor();
  const at = await chart.evaluate((box, value) => {
    const figure = box.firstElementChild as Element & { scale(name: string): { apply(v: unknown): number } };
    const svg = figure.tagName === "svg" ? figure : figure.querySelector(":scope > svg")!;
    const frame = svg.getBoundingClientRect();
    const y = figure.scale("y") as unknown as { range: number[] };
    return { x: frame.left + figure.scale("x").apply(value), y: frame.top + (y.range[0]! + y.range[1]!) * 0.4 };
  }, x);
  await page.mouse.move(at.x - 3, at.y);
  await page.mouse.move(at.x, at.y);
}

/** The tooltip's heading and rows (name → value), once it shows `heading`. */
async function tipOf(page: Page, n: number, heading: string): Promise<{ heading: string; rows: Record<string, string> }> {
  const tip = page.locator(".dash-chart").nth(n).getByRole("tooltip");
  await expect
    .poll(() =>
      tip
        .locator(".dash-series-tip-x")
        .innerText()
        .catch(() => ""),
    )
    .toBe(heading);
  const rows = await tip
    .locator(".dash-series-tip-row")
    .evaluateAll((list) => list.map((row) => [row.querySelector(".dash-series-name")!.textContent!, row.querySelector(".dash-series-value")!.textContent!]));
  return { heading: await tip.locator(".dash-series-tip-x").innerText(), rows: Object.fromEntries(rows) };
}

describe("line chart tooltip", () => {
  test("lists every series' value at the x under the pointer", async () => {
    const app = await e2e.start({ entry: fixture("series-tip.ts") });
    const context = await e2e.browser.newContext({ viewport: { width: 1100, height: 1400 } });
    const page = await open(context, app.url);

    // y columns over numbers.
    await hover(page, 0, 7);
    const three = await tipOf(page, 0, "step 7");
    expect(three.rows).toEqual({ alpha: "70", beta: "93", gamma: "7.25" });
    // A dot on each line, at its value, and a rule at the x; Plot's single-point tip is not drawn.
    const layer = page.locator(".dash-chart").nth(0).locator(".dash-series-tip-layer");
    expect(await layer.locator(".dash-series-dot").count()).toBe(3);
    expect(await layer.locator(".dash-series-rule").count()).toBe(1);
    expect(await page.locator(".dash-chart-plot").nth(0).locator('[aria-label="tip"]').count()).toBe(0);
    mkdirSync(shots, { recursive: true });
    await page
      .locator(".dash-chart")
      .nth(0)
      .screenshot({ path: path.join(shots, "series-tip-columns.png") });
    // Moving along x follows it.
    await hover(page, 0, 12);
    expect((await tipOf(page, 0, "step 12")).rows).toEqual({ alpha: "120", beta: "88", gamma: "5.5" });
    // Leaving the chart hides it.
    await page.mouse.move(5, 5);
    await expect.poll(() => layer.count()).toBe(0);

    // A color column over dates (the x is a UTC day).
    await hover(page, 1, Date.UTC(2024, 0, 11));
    expect((await tipOf(page, 1, "day 2024-01-11")).rows).toEqual({ Oslo: "-10", Lima: "20" });
    await page
      .locator(".dash-chart")
      .nth(1)
      .screenshot({ path: path.join(shots, "series-tip-dates.png") });

    // Downsampled (M4 to the chart's width): every series' value is the one at the x shown.
    await hover(page, 2, 61_234);
    const tip = page.locator(".dash-chart").nth(2).getByRole("tooltip");
    await tip.waitFor();
    const heading = await tip.locator(".dash-series-tip-x").innerText();
    const shown = Number(heading.replace(/^x /, "").replace(/,/g, ""));
    expect(Math.abs(shown - 61_234)).toBeLessThan(400); // within a pixel column or so of the pointer
    const rows = (await tipOf(page, 2, heading)).rows;
    expect(rows).toEqual({ up: (shown * 2).toLocaleString("en-US"), down: (-shown).toLocaleString("en-US") });

    // One series: Plot's own tooltip, as before.
    await hover(page, 3, 7);
    await expect.poll(() => page.locator(".dash-chart-plot").nth(3).locator('[aria-label="tip"]').textContent()).toMatch(/alpha\s*70/);
    expect(await page.locator(".dash-chart").nth(3).locator(".dash-series-tip-layer").count()).toBe(0);
    await context.close();
  });
});
