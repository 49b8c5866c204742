/**
 * Issue 15.5, what a viewer sees: a long metric value stays in its column (ellipsis, the whole value
 * in its title); a delta has its own format; the multiselect is a dropdown driven by keyboard or
 * mouse (and shows no empty box when everything is chosen); sizes in decimal MB; page icons in the
 * navigation.
 */
import path from "node:path";
import { describe, expect, test } from "vitest";
import { chromiumAndApps, fixture, open, root, see } from "./harness.ts";

const e2e = chromiumAndApps();

describe("display", () => {
  test("metrics in four columns: a long value is cut with an ellipsis, whole in its title; the delta has its own format", async () => {
    const app = await e2e.start({ entry: fixture("display.ts") });
    const context = await e2e.browser.newContext({ viewport: { width: 1100, height: 800 } });
    const page = await open(context, app.url);
    const revenue = page.getByRole("group", { name: "Revenue" }).locator(".dash-metric-value");
    expect(await revenue.getAttribute("title")).toBe("$1,234,567.89");
    const valueBox = (await revenue.boundingBox())!;
    const nextColumn = (await page.getByRole("group", { name: "Orders" }).boundingBox())!;
    expect(valueBox.x + valueBox.width).toBeLessThanOrEqual(nextColumn.x);
    // It does not fit: drawn cut, not spilling into the next column.
    expect(await revenue.evaluate((e) => e.scrollWidth > e.clientWidth && getComputedStyle(e).textOverflow === "ellipsis")).toBe(true);
    expect(await page.getByRole("group", { name: "Revenue" }).locator(".dash-metric-delta").innerText()).toContain("+4.1%");
    await context.close();
  });

  test("the multiselect is a dropdown: closed until asked, keyboard to choose, nothing drawn when all are chosen", async () => {
    const app = await e2e.start({ entry: fixture("display.ts") });
    const context = await e2e.browser.newContext({ viewport: { width: 1100, height: 800 } });
    const page = await open(context, app.url);
    expect(await page.getByRole("listbox").count()).toBe(0);

    const regions = page.getByRole("combobox", { name: "Regions" });
    await regions.click();
    const list = page.getByRole("listbox", { name: "Regions options" });
    await list.waitFor();
    expect(await list.getByRole("option").count()).toBe(0);
    expect(await list.innerText()).toBe("All options are chosen");
    await page.keyboard.press("Escape");
    await list.waitFor({ state: "hidden" });

    const metrics = page.getByRole("combobox", { name: "Metrics" });
    await metrics.focus();
    await page.keyboard.press("ArrowDown"); // opens
    await page.getByRole("listbox", { name: "Metrics options" }).waitFor();
    expect(await metrics.getAttribute("aria-expanded")).toBe("true");
    await page.keyboard.press("ArrowDown"); // Revenue → Latency
    expect(await metrics.getAttribute("aria-activedescendant")).toMatch(/-list-2$/);
    await page.keyboard.press("Enter");
    await see(page, "regions: North, South, East · metrics: Orders, Latency");
    await page.keyboard.type("ref");
    await page.keyboard.press("Enter");
    await see(page, "regions: North, South, East · metrics: Orders, Latency, Refunds");
    await page.keyboard.press("Escape");
    await page.getByRole("listbox").waitFor({ state: "hidden" });
    await page.keyboard.press("Backspace");
    await see(page, "regions: North, South, East · metrics: Orders, Latency");
    // Mouse: the arrow opens it, an option adds itself and the list stays open for the next.
    await page.getByRole("combobox", { name: "Metrics" }).click();
    await page.getByRole("option", { name: "Revenue" }).click();
    await see(page, "regions: North, South, East · metrics: Revenue, Orders, Latency");
    expect(await page.getByRole("option", { name: "Refunds" }).isVisible()).toBe(true);
    await context.close();
  });

  test("file sizes in decimal units: 5,000,000 bytes is 5 MB", async () => {
    const app = await e2e.start({ entry: fixture("display.ts") });
    const context = await e2e.browser.newContext({ viewport: { width: 1100, height: 800 } });
    const page = await open(context, app.url);
    await see(page, "Drag and drop a file here · limit 5 MB");
    await page.locator('input[type="file"]').setInputFiles({ name: "orders.csv", mimeType: "text/csv", buffer: Buffer.alloc(1_500_000, 0x61) });
    await see(page, "got orders.csv (1500000 bytes)", 20_000);
    expect(await page.locator(".dash-files").innerText()).toContain("orders.csv 1.5 MB");
    await context.close();
  });

  test("page icons are in the navigation", async () => {
    const app = await e2e.start({ entry: path.join(root, "examples/pages") });
    const context = await e2e.browser.newContext({ viewport: { width: 1100, height: 800 } });
    const page = await open(context, app.url);
    const nav = page.getByRole("navigation", { name: "Pages" });
    expect(await nav.locator("a").allInnerTexts()).toEqual(["🏙️Overview", "🔎Explore", "About"]);
    await context.close();
  });
});
