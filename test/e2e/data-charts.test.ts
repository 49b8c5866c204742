/**
 * Tables and charts in Chromium: sorting (in the browser and on the server), scrolling a
 * 1,000,000-row table, a chart's hover tooltip, redraw on resize, the air-quality example's
 * four modules following the state select, and the business-metrics example's time-range picker.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { RunningApp } from "../../packages/cli/src/app.ts";
import { fixture, launch, open, root, see, startApp, waitIdle } from "./harness.ts";

// The air-quality example draws its bundled sample data, even where GOOGLE_CLOUD_PROJECT is set.
process.env.AIR_QUALITY_DATA = "sample";

let charts: RunningApp;
let air: RunningApp;
let metrics: RunningApp;
let browser: Browser;

beforeAll(async () => {
  [charts, air, metrics, browser] = await Promise.all([
    startApp({ entry: fixture("data-charts.ts"), scriptTimeout: 60 }),
    startApp({ entry: path.join(root, "examples/air-quality/app.ts") }),
    startApp({ entry: path.join(root, "examples/business-metrics/app.ts") }),
    launch(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await charts?.close();
  await air?.close();
  await metrics?.close();
});

async function fresh(url: string, width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  return open(context, url);
}

const firstCells = (page: Page, grid: number): Promise<string[]> =>
  page
    .locator(".dash-grid")
    .nth(grid)
    .locator(".dash-grid-row")
    .evaluateAll((rows) => rows.slice(0, 3).map((r) => (r.querySelector(".dash-cell") as HTMLElement).innerText));

/** The table's canvas as a data URL, and how many of its pixels are painted. */
const canvasOf = (page: Page, grid: number): Promise<{ url: string; painted: number }> =>
  page
    .locator(".dash-grid-canvas")
    .nth(grid)
    .evaluate((canvas: HTMLCanvasElement) => {
      const copy = document.createElement("canvas");
      copy.width = canvas.width;
      copy.height = canvas.height;
      const ctx = copy.getContext("2d")!;
      ctx.drawImage(canvas, 0, 0);
      const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
      return { url: canvas.toDataURL(), painted };
    });

describe("tables", () => {
  test("a small table sorts in the browser; markup shows as text", async () => {
    const page = await fresh(charts.url);
    await page.locator(".dash-grid").first().locator(".dash-grid-row").first().waitFor();
    expect(await firstCells(page, 0)).toEqual(["Oslo", "<b>Lima</b>", "Pune"]);
    const unsorted = await canvasOf(page, 0);
    expect(unsorted.painted).toBeGreaterThan(500); // the rows are drawn on the canvas
    await page.locator(".dash-grid").first().getByRole("button", { name: "city" }).click();
    expect(await firstCells(page, 0)).toEqual(["<b>Lima</b>", "Oslo", "Pune"]);
    expect((await canvasOf(page, 0)).url).not.toBe(unsorted.url); // and redrawn in the new order
    await page.locator(".dash-grid").first().getByRole("button", { name: "v" }).click();
    await page.locator(".dash-grid").first().getByRole("button", { name: "v" }).click();
    expect(await page.locator(".dash-grid").first().locator('[role="columnheader"]').nth(1).getAttribute("aria-sort")).toBe("descending");
    expect(await firstCells(page, 0)).toEqual(["<b>Lima</b>", "Oslo", "Pune"]);
    expect(await page.locator(".dash-grid b").count()).toBe(0);
    // A table without rows says so under its header.
    await expect.poll(() => page.locator(".dash-grid").nth(2).innerText()).toContain("No rows");
  });

  test("the keyboard moves through the cells (outlined, named to screen readers); Shift selects a range; Ctrl+C copies", async () => {
    const page = await fresh(charts.url);
    const grid = page.locator(".dash-grid").first();
    await grid.locator(".dash-grid-row").first().waitFor();
    const activeCell = (locator: typeof grid): Promise<{ text: string; row: string } | null> =>
      locator.evaluate((g) => {
        const cell = document.getElementById(g.getAttribute("aria-activedescendant") ?? "");
        return cell ? { text: cell.textContent ?? "", row: cell.parentElement!.getAttribute("aria-rowindex")! } : null;
      });
    const box = (await grid.boundingBox())!;
    const before = await canvasOf(page, 0);
    await page.mouse.click(box.x + 20, box.y + 32 + 16); // first row, first column
    expect(await activeCell(grid)).toEqual({ text: "Oslo", row: "2" });
    expect((await canvasOf(page, 0)).url).not.toBe(before.url); // the outline is drawn
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight"); // (stays in the last column)
    expect(await activeCell(grid)).toEqual({ text: "9", row: "3" });
    const copy = async (): Promise<string> => {
      // The listener is in place before the key is pressed (a listener installed alongside could miss it).
      await page.evaluate(() => {
        delete (window as unknown as { copied?: string }).copied;
        document.addEventListener("copy", (e) => ((window as unknown as { copied: string }).copied = e.clipboardData!.getData("text/plain")), { once: true });
      });
      await page.keyboard.press("Control+c");
      const copied = await page.waitForFunction(() => (window as unknown as { copied?: string }).copied, null, { timeout: 10_000 });
      return (await copied.jsonValue()) as string;
    };
    expect(await copy()).toBe("9");
    // Shift extends a range from the active cell; Ctrl+C copies it as a spreadsheet pastes it.
    const painted = (await canvasOf(page, 0)).url;
    await page.keyboard.press("Shift+ArrowUp");
    await page.keyboard.press("Shift+ArrowLeft");
    expect((await canvasOf(page, 0)).url).not.toBe(painted); // the range is shaded
    expect(await copy()).toBe("Oslo\t3\n<b>Lima</b>\t9");
    await page.keyboard.press("ArrowDown"); // a move without Shift selects one cell again
    expect(await copy()).toBe("<b>Lima</b>");
    await page.keyboard.press("Shift+ArrowDown");
    expect(await copy()).toBe("<b>Lima</b>\nPune");
    await page.keyboard.press("Control+a");
    expect(await copy()).toBe("Oslo\t3\n<b>Lima</b>\t9\nPune\t1");
    await page.keyboard.press("Escape");
    expect(await grid.getAttribute("aria-activedescendant")).toBeNull();

    // A million rows: Ctrl+End goes to the last cell, scrolled into view.
    const big = page.locator(".dash-grid").nth(1);
    await big.locator(".dash-grid-row").first().waitFor({ timeout: 30_000 });
    await big.focus();
    await page.keyboard.press("ArrowDown"); // the first key shows where the keyboard is
    expect((await activeCell(big))?.row).toBe("2");
    await page.keyboard.press("Control+End");
    await page.waitForFunction(() => (document.querySelectorAll(".dash-grid")[1]!.getAttribute("aria-activedescendant") ?? "") !== "");
    expect((await activeCell(big))?.row).toBe("1000001");
    await page.keyboard.press("Control+Home");
    expect((await activeCell(big))?.row).toBe("2");
    // Ten million cells are more than Ctrl+C copies: the table says so and points to the download.
    await page.keyboard.press("Control+a");
    await page.keyboard.press("Control+c");
    await page.getByText("10,000,000 cells are too many to copy").waitFor({ timeout: 5000 });
  });

  test("a 1,000,000-row table scrolls to its end with few rows in the DOM, and sorts on the server", async () => {
    const page = await fresh(charts.url);
    const grid = page.locator(".dash-grid").nth(1);
    await grid.locator(".dash-grid-row").first().waitFor({ timeout: 30_000 });
    expect(await grid.getAttribute("aria-rowcount")).toBe("1000001");
    const top = await canvasOf(page, 1);
    await grid.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await grid.locator('[aria-rowindex="1000001"]').waitFor();
    const end = await canvasOf(page, 1);
    expect(end.painted).toBeGreaterThan(500);
    expect(end.url).not.toBe(top.url);
    expect(await grid.locator(".dash-grid-row").count()).toBeLessThan(60);
    await grid.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
    await page.waitForFunction(() => {
      const index = Number([...document.querySelectorAll(".dash-grid")][1]!.querySelector(".dash-grid-row")?.getAttribute("aria-rowindex"));
      return index > 495_000 && index < 505_000;
    });

    await grid.evaluate((el) => (el.scrollTop = 0));
    const id = grid.getByRole("button", { name: "id" });
    await id.click(); // ascending: already in order
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll(".dash-grid")][1]!.querySelector('[aria-sort="ascending"]') &&
        !document.querySelectorAll(".dash-grid")[1]!.getAttribute("aria-busy")?.includes("true"),
      null,
      { timeout: 30_000 },
    );
    await id.click(); // descending: the server sends the order
    await page.waitForFunction(
      () => {
        const cells = [...document.querySelectorAll(".dash-grid")][1]!.querySelectorAll('[aria-rowindex="2"] .dash-cell');
        return [...cells].some((c) => (c as HTMLElement).innerText === "999999");
      },
      null,
      { timeout: 30_000 },
    );
  });
});

describe("charts", () => {
  test("hovering a line shows its tooltip", async () => {
    const page = await fresh(charts.url);
    const plot = page.locator(".dash-chart-plot svg").first();
    await plot.waitFor();
    const box = (await plot.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width / 2 + 5, box.y + box.height / 2);
    await page.waitForFunction(() => /x\s*\d+/.test(document.querySelector('.dash-chart-plot [aria-label="tip"]')?.textContent ?? ""));
    expect(await page.locator('.dash-chart-plot [aria-label="tip"]').first().textContent()).toMatch(/y\s*\d/);
  });

  test("resizing the window redraws the chart at the new width", async () => {
    const page = await fresh(charts.url, 1280);
    const plot = page.locator(".dash-chart-plot").first();
    await plot.locator("svg").waitFor();
    const before = Number(await plot.getAttribute("data-width"));
    await page.setViewportSize({ width: 800, height: 900 });
    await page.waitForFunction((w) => Number(document.querySelector(".dash-chart-plot")?.getAttribute("data-width")) < w - 100, before);
    const after = Number(await plot.getAttribute("data-width"));
    expect(Number(await plot.locator("svg").first().getAttribute("width"))).toBe(after);
  });
});

describe("air-quality", () => {
  test("changing the state changes all four modules", async () => {
    const context = await browser.newContext({ viewport: { width: 1500, height: 900 } });
    const page = await context.newPage();
    let dataFrames = 0;
    page.on("websocket", (ws) => ws.on("framereceived", (frame) => typeof frame.payload !== "string" && dataFrames++));
    await page.goto(air.url);
    await waitIdle(page);
    // Once the charts reported their widths, a year of daily rain (more bars than pixel columns)
    // is drawn as one stepped area.
    await page.locator(".dash-chart-plot").nth(2).locator('[aria-label="area"]').waitFor();
    const snapshot = (): Promise<string[]> =>
      page.evaluate(() => {
        const charts = [...document.querySelectorAll(".dash-chart-plot")].slice(0, 3).map((c) => c.innerHTML.replace(/plot-[0-9a-f]+/g, ""));
        const table = [...document.querySelectorAll(".dash-grid-row")]
          .slice(0, 3)
          .map((r) => (r as HTMLElement).innerText)
          .join("|");
        return [...charts, table];
      });
    const before = await snapshot();
    await page.getByLabel("State", { exact: true }).selectOption({ label: "Texas (TX)" });
    await page.waitForFunction(() => document.querySelector(".dash-chart-title")?.textContent?.includes("TX"));
    await page.waitForFunction((old) => {
      const charts = [...document.querySelectorAll(".dash-chart-plot")].slice(0, 3).map((c) => c.innerHTML.replace(/plot-[0-9a-f]+/g, ""));
      const table = [...document.querySelectorAll(".dash-grid-row")]
        .slice(0, 3)
        .map((r) => (r as HTMLElement).innerText)
        .join("|");
      return [...charts, table].every((v, i) => v !== old[i] && v.length > 0);
    }, before);
    expect(await page.locator(".dash-grid-row").first().innerText()).toContain("TX");
    // The table's columns fit their labels and values, and all four fit its width (no scrolling sideways).
    const fits = await page.evaluate(() => {
      const grid = document.querySelector(".dash-grid")!;
      const heads = [...document.querySelectorAll(".dash-head-sort")] as HTMLElement[];
      return { columns: heads.length, cut: heads.filter((h) => h.scrollWidth > h.clientWidth + 1).length, sideways: grid.scrollWidth - grid.clientWidth };
    });
    expect(fits).toEqual({ columns: 4, cut: 0, sideways: 0 });

    // Back to California: the figures drawn for it come back (the same elements), tooltips and all,
    // and its data, still in the browser, is not sent again.
    const framesBefore = dataFrames;
    await page.getByLabel("State", { exact: true }).selectOption({ label: "California (CA)" });
    await page.waitForFunction((old) => {
      const charts = [...document.querySelectorAll(".dash-chart-plot")].slice(0, 3).map((c) => c.innerHTML.replace(/plot-[0-9a-f]+/g, ""));
      const table = [...document.querySelectorAll(".dash-grid-row")]
        .slice(0, 3)
        .map((r) => (r as HTMLElement).innerText)
        .join("|");
      return [...charts, table].every((v, i) => v === old[i]);
    }, before);
    expect(dataFrames).toBe(framesBefore);
    const temperature = page.locator(".dash-chart-plot").nth(1).locator("svg").first();
    const box = (await temperature.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width / 2 + 5, box.y + box.height / 2);
    await page.waitForFunction(() =>
      /°F\s*-?\d/.test(document.querySelectorAll(".dash-chart-plot")[1]?.querySelector('[aria-label="tip"]')?.textContent ?? ""),
    );
  });
});

describe("business-metrics", () => {
  test("the period picker and the 'Revenue by' choice drive the metrics and the chart", async () => {
    const page = await fresh(metrics.url, 1400);
    // (Its first page in this server: the script's first run, while other tests load the machine.)
    await see(page, "2025-10-03 to 2025-12-31 (90 days), against the 90 days before.", 20_000);
    const revenue = (): Promise<string> => page.locator(".el-metric").first().innerText();
    const before = await revenue();
    // The period's start, typed into the picker as a viewer would.
    await page.getByLabel("Period from").fill("2025-12-01");
    await see(page, "2025-12-01 to 2025-12-31 (31 days), against the 31 days before.", 10_000);
    expect(await revenue()).not.toBe(before);
    await page.getByLabel("month").check();
    await see(page, "Revenue by month and channel (USD)", 10_000);
    await page.locator(".dash-chart-plot svg").first().waitFor();
  });
});
