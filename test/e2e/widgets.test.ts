/**
 * Every widget and element of examples/widgets, driven in Chromium with real input: typing,
 * clicks, drags and keys. Each widget's value is echoed by the script as text, so a change that
 * does not make the round trip through the server fails here.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { RunningApp } from "../../packages/cli/src/app.ts";
import { launch, open, root, see, startApp, tabTo, textStartingWith, waitIdle } from "./harness.ts";
import path from "node:path";

let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp({ entry: path.join(root, "examples/widgets/app.ts") }), launch()]);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function fresh(query = ""): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  return open(context, `${app.url}/${query}`);
}

describe("widgets", () => {
  test("button, checkbox, toggle, radio, select", async () => {
    const page = await fresh();
    await page.getByRole("button", { name: "Add one" }).click();
    await see(page, "Clicks: 1");
    await page.getByRole("button", { name: "Add one" }).click();
    await see(page, "Clicks: 2");

    await page.getByLabel("I agree").check();
    await see(page, "Checkbox: true");
    await page.getByRole("switch", { name: "Night mode" }).click();
    await see(page, "Toggle: true");
    expect(await page.getByRole("switch", { name: "Night mode" }).isChecked()).toBe(true);

    await page.getByRole("radio", { name: "Large" }).check();
    await see(page, "Radio: Large");
    await page.getByLabel("Fruit").selectOption({ label: "Cherry" });
    await see(page, "Select: Cherry");
    await page.context().close();
  });

  test("multiselect: type to filter, Enter to add, remove a chip", async () => {
    const page = await fresh();
    const box = page.getByRole("combobox", { name: "Toppings" });
    await box.click();
    await page.keyboard.type("oli");
    await page.keyboard.press("Enter");
    await see(page, "Multiselect: Cheese, Olives");
    await page.getByRole("button", { name: "Remove Cheese" }).click();
    await see(page, "Multiselect: Olives");
    await box.click(); // the options drop down
    await page.getByRole("option", { name: "Ham" }).click();
    await see(page, "Multiselect: Ham, Olives");
    await page.context().close();
  });

  test("sliders: keyboard, mouse drag, a range, and a select slider", async () => {
    const page = await fresh();
    const count = page.getByRole("slider", { name: "Count" });
    await count.focus();
    await page.keyboard.press("ArrowRight");
    await see(page, "Slider: 6");
    await page.keyboard.press("End");
    await see(page, "Slider: 20");
    await page.keyboard.press("Home");
    await see(page, "Slider: 0");

    // Drag the thumb from the left end to three quarters of the track.
    const bounds = (await count.boundingBox())!;
    const y = bounds.y + bounds.height / 2;
    await page.mouse.move(bounds.x + 4, y);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(bounds.x + 4 + (bounds.width * 0.75 - 4) * (i / 10), y);
    await page.mouse.up();
    await see(page, /^Slider: 1[4-6]$/);
    expect(Number(await count.inputValue())).toBeGreaterThanOrEqual(14);

    const to = page.getByRole("slider", { name: "Price range to" });
    await to.focus();
    await page.keyboard.press("ArrowLeft");
    await see(page, "Range: 20–75");
    const from = page.getByRole("slider", { name: "Price range from" });
    await from.focus();
    await page.keyboard.press("ArrowRight");
    await see(page, "Range: 25–75");

    const level = page.getByRole("slider", { name: "Level" });
    await level.focus();
    await page.keyboard.press("ArrowRight");
    await see(page, "Select slider: High");
    expect(await level.getAttribute("aria-valuetext")).toBe("High");
    await page.context().close();
  });

  test("number, text, password, text area, date, time, colour", async () => {
    const page = await fresh();
    await page.getByRole("button", { name: "Increase Quantity" }).click();
    await see(page, "Number: 3");
    const quantity = page.getByLabel("Quantity", { exact: true });
    await quantity.fill("");
    await quantity.pressSequentially("7");
    await page.keyboard.press("Tab");
    await see(page, "Number: 7");
    // Out of range: clamped to the maximum in the browser, and again on the server.
    await quantity.fill("");
    await quantity.pressSequentially("99");
    await page.keyboard.press("Tab");
    await see(page, "Number: 10");

    const name = page.getByLabel("Name");
    await name.click();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.type("Grace");
    await page.keyboard.press("Enter");
    await see(page, "Text: Grace");

    await page.getByLabel("Password").click();
    await page.keyboard.type("hunter2");
    await page.keyboard.press("Tab");
    await see(page, "Password length: 7");
    expect(await page.getByLabel("Password").getAttribute("type")).toBe("password");

    await page.getByLabel("Notes").click();
    await page.keyboard.type("line one\nline two");
    await page.keyboard.press("Control+Enter");
    await see(page, "Notes: 17 characters");

    await page.getByLabel("Day", { exact: true }).fill("2024-06-01");
    await see(page, "Date: 2024-06-01");
    await page.getByLabel("Alarm").fill("08:45");
    await see(page, "Time: 08:45");
    await page.getByLabel("Accent").fill("#ff0000");
    await see(page, "Color: #ff0000");
    await page.context().close();
  });

  test("file uploader accepts a small file and refuses one over its limit; download button saves the data", async () => {
    const page = await fresh();
    const input = page.getByLabel("Upload a CSV");
    await input.setInputFiles({ name: "small.csv", mimeType: "text/csv", buffer: Buffer.from("a,b\n1,2\n3,4") });
    await see(page, "Uploaded: small.csv (11 bytes, 3 lines)");
    await expect(page.locator(".dash-files").innerText()).resolves.toContain("small.csv");

    await input.setInputFiles({ name: "big.csv", mimeType: "text/csv", buffer: Buffer.alloc(4096, 97) });
    await see(page, "big.csv is 4.1 kB; the limit is 1 kB.");
    expect(await textStartingWith(page, "Uploaded:")).toBe("Uploaded: small.csv (11 bytes, 3 lines)");

    await page.getByRole("button", { name: "Remove", exact: true }).click();
    await see(page, "Uploaded: nothing");

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: /Download CSV/ }).click()]);
    expect(download.suggestedFilename()).toBe("order.csv");
    expect(await readFile((await download.path())!, "utf8")).toBe("fruit,count\nBanana,2\n");
    await see(page, "💾 Saved order.csv");
    await page.context().close();
  });

  test("a form holds its edits until submit, then applies them in one run", async () => {
    const page = await fresh();
    const dish = page.getByLabel("Dish");
    await dish.click();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.type("Pie");
    await page.keyboard.press("Tab");
    const servings = page.getByRole("slider", { name: "Servings" });
    await servings.focus();
    await page.keyboard.press("ArrowRight");
    await page.waitForTimeout(200);
    expect(await textStartingWith(page, "Form:")).toBe("Form: not submitted (2 × Soup)");
    const runsBefore = await page.evaluate(() => (window as unknown as { __dash: { store: { version: number } } }).__dash.store.version);
    expect(runsBefore).toBeGreaterThan(0);
    await page.getByRole("button", { name: "Place order" }).click();
    await see(page, "Ordered 3 × Pie");
    await page.context().close();
  });

  test("display elements: headings, markdown, code, json, metrics, alerts, exception, image", async () => {
    const page = await fresh();
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Widget tour");
    await page.getByRole("tab", { name: "Text & data" }).click();
    await page.getByRole("heading", { level: 2, name: "Text" }).waitFor();
    await page.getByRole("heading", { level: 3, name: "Markdown, text, captions" }).waitFor();
    expect(await page.locator(".dash-markdown table td").first().innerText()).toBe("Fresno");
    expect(await page.locator(".dash-markdown a").getAttribute("rel")).toContain("noopener");
    expect(await page.locator(".dash-code code").innerText()).toContain("rows.reduce");
    expect(await page.locator(".dash-json").innerText()).toContain('"region": "East"');
    const temperature = page.getByRole("group", { name: "Temperature" });
    expect(await temperature.innerText()).toMatch(/21\.4[\s\S]*\+1\.2/);
    expect(await page.locator(".dash-metric-delta.bad").innerText()).toContain("-3");
    for (const text of ["Info: the script reruns on every input.", "Success: saved.", "Warning: the sensor is offline.", "Error: could not reach the API."])
      await see(page, text);
    const exception = await page.locator(".dash-exception").innerText();
    expect(exception).toContain("RangeError: An example exception");
    expect(exception).toMatch(/examples\/widgets\/app\.ts:\d+/);
    const image = page.getByRole("img", { name: "A PNG drawn by the script" });
    await image.waitFor();
    expect(await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(240);
    // The image is redrawn when the colour changes (its data URL changes).
    await page.context().close();
  });

  test("tabs, expander, container, columns, empty, progress", async () => {
    const page = await fresh();
    const tabs = page.getByRole("tab");
    // (The page is idle once connected with content; the run may still be adding the tabs.)
    await tabs.last().waitFor();
    expect(await tabs.allInnerTexts()).toEqual(["Widgets", "Text & data", "Layout", "Live"]);
    await page.getByText("Plain text keeps   its spacing.").waitFor({ state: "hidden" });
    await page.getByRole("tab", { name: "Layout" }).click();
    expect(await page.getByRole("tab", { name: "Layout" }).getAttribute("aria-selected")).toBe("true");
    await page.getByRole("button", { name: "Add one" }).waitFor({ state: "hidden" });

    await page.getByText("Details for East").waitFor({ state: "hidden" });
    await page.getByText("More details").click();
    await see(page, "Details for East");
    await see(page, "Inside a bordered container.");
    await see(page, "Placeholder: 5 items");
    expect(await page.getByText("Placeholder: first").count()).toBe(0);
    const bar = page.getByRole("progressbar", { name: "Progress: 25%" });
    expect(await bar.getAttribute("aria-valuenow")).toBe("25");
    // Columns sit side by side on a desktop.
    const [a, b] = await page.locator(".dash-columns").last().locator(".dash-column").all();
    const [boxA, boxB] = [await a!.boundingBox(), await b!.boundingBox()];
    expect(boxB!.x).toBeGreaterThan(boxA!.x + boxA!.width - 1);
    expect(boxA!.width).toBeGreaterThan(boxB!.width * 1.5);
    // A widget elsewhere changes the placeholder and the progress bar in place.
    await page.getByRole("tab", { name: "Widgets" }).click();
    await page.getByRole("slider", { name: "Count" }).focus();
    await page.keyboard.press("End");
    await page.getByRole("tab", { name: "Layout" }).click();
    await see(page, "Placeholder: 20 items");
    await page.getByRole("progressbar", { name: "Progress: 100%" }).waitFor();
    // The expander stays open across the rerun.
    await see(page, "Details for East");
    await page.context().close();
  });

  test("a fragment reruns alone, every interval and on its own widget", async () => {
    const page = await fresh();
    await page.getByRole("tab", { name: "Live" }).click();
    const ticks = async (): Promise<number> => Number(/ticks: (\d+)/.exec(await textStartingWith(page, "Fragment ticks"))![1]);
    const first = await ticks();
    await page.waitForFunction((n) => /ticks: (\d+)/.exec(document.body.innerText)?.[1] !== String(n), first, { timeout: 4000 });
    expect(await ticks()).toBeGreaterThan(first);
    await page.getByRole("button", { name: "Increase Fragment step" }).click();
    await see(page, /\(step 2\)$/);
    // Neither the interval nor the fragment's own widget reran the whole script.
    expect(await textStartingWith(page, "Full runs")).toBe("Full runs: 1");
    await page.context().close();
  });

  test("a query-bound widget writes the URL, and a URL value restores it; an invalid one falls back with a warning", async () => {
    const page = await fresh();
    await page.getByLabel("Region", { exact: true }).selectOption({ label: "North" });
    await page.waitForURL(/\?region=North$/);
    await see(page, "Region North · details on");

    const shared = await fresh("?region=West");
    expect(await shared.getByLabel("Region", { exact: true }).locator("option:checked").innerText()).toBe("West");
    await see(shared, "Region West · details on");

    const invalid = await fresh("?region=Atlantis");
    expect(await invalid.getByLabel("Region", { exact: true }).locator("option:checked").innerText()).toBe("East");
    await see(invalid, /region="?Atlantis"? is not a valid value for "Region"; using the default\./);
    await invalid.waitForURL(/\?region=East$/);
    for (const p of [page, shared, invalid]) await p.context().close();
  });

  test("keyboard only: Tab, Enter, Space, arrows", async () => {
    const page = await fresh();
    await page.locator("body").click({ position: { x: 640, y: 5 } });
    await tabTo(page, "button.dash-button.primary");
    await page.keyboard.press("Enter");
    await see(page, "Clicks: 1");
    await page.keyboard.press("Space");
    await see(page, "Clicks: 2");
    await tabTo(page, "input[type=checkbox]:not([role=switch])");
    await page.keyboard.press("Space");
    await see(page, "Checkbox: true");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Space");
    await see(page, "Toggle: true");
    await tabTo(page, "input[type=radio]:checked");
    await page.keyboard.press("ArrowRight");
    await see(page, "Radio: Large");
    await tabTo(page, "select");
    await page.keyboard.press("ArrowDown");
    await see(page, "Select: Cherry");

    // Tabs: arrows move between them, Enter is not needed.
    await tabTo(page, "[role=tab][aria-selected=true]");
    await page.keyboard.press("ArrowRight");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Text & data");
    await see(page, "Plain text keeps   its spacing.");
    await page.keyboard.press("End");
    await see(page, "A fragment");
    await page.keyboard.press("Home");
    await waitIdle(page);
    await see(page, "Clicks: 2");
    await page.context().close();
  });
});
