/**
 * The XSS suite: 62 payloads (fixtures/xss-payloads.ts) through every text path an author or a
 * viewer controls (fixtures/xss-suite.ts): markdown (escaped, and sanitized with the opt-in),
 * text, captions, headings, labels, options, tabs, expanders, table cells and column names, chart
 * titles, axes and tooltips, metric labels and values, alerts, exceptions and thrown errors,
 * toasts, uploaded file names, page titles and query parameters. In real Chromium, none runs:
 * `window.__xss` stays undefined, no dialog opens, and the payloads read as text.
 */
import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { chromiumAndApps, fixture, see } from "./harness.ts";
import { fileNames, payloads } from "./fixtures/xss-payloads.ts";

const e2e = chromiumAndApps();
const ran = (page: Page): Promise<unknown> => page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss);

describe("the XSS suite", () => {
  test(`${payloads.length} payloads through every text path: none runs, each reads as text`, async () => {
    expect(payloads.length).toBeGreaterThanOrEqual(50);
    const app = await e2e.start({ entry: fixture("xss-suite.ts") });
    const context = await e2e.browser.newContext();
    const dialogs: string[] = [];
    context.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const page = await context.newPage();
    await page.goto(`${app.url}/?q=${encodeURIComponent(payloads[1]!)}`);
    await see(page, "end of the suite", 30_000);

    // Shown as text: each payload, whole, in the page's text (text(), captions, labels…).
    const body = await page.locator("body").innerText();
    const missing = payloads.filter((payload) => !body.includes(payload));
    expect(missing).toEqual([]);
    expect(body).toContain(`query: ${payloads[1]}`);
    expect(body).toContain(`You asked for ${payloads[1]}`);
    // No element a payload would have made exists outside what dash draws itself.
    expect(await page.locator(".dash-el script, .dash-el iframe, .dash-el object, .dash-el embed, [onerror], [onload], [onfocus], [onmouseover]").count()).toBe(
      0,
    );

    // Tooltips: hover every bar of the chart whose categories are the payloads.
    const bars = page.locator(".el-barChart svg rect, .el-barChart svg path").filter({ visible: true });
    const count = Math.min(await bars.count(), 80);
    for (let i = 0; i < count; i++)
      await bars
        .nth(i)
        .hover({ force: true, timeout: 2000 })
        .catch(() => {});
    // Labels, options, toasts, expanders, tabs: interact so they are drawn again from patches.
    await page.getByRole("button", { name: "Toasts" }).click();
    await see(page, payloads[5]!, 10_000);
    for (const tab of await page.getByRole("tab").all()) await tab.click();
    await page
      .getByText(payloads[9]!, { exact: true })
      .first()
      .click({ timeout: 5000 })
      .catch(() => {});
    // Uploaded file names.
    await page.getByLabel("Upload").setInputFiles(fileNames.map((name) => ({ name, mimeType: "text/plain", buffer: Buffer.from("x") })));
    for (const name of fileNames) await see(page, `uploaded: ${name}`, 15_000);
    await page.screenshot({ path: fixture("../out/xss-suite.png"), fullPage: false });
    expect(await ran(page)).toBeUndefined();

    // Page titles, and errors the script throws.
    for (const i of [0, 1, 12, 15, 16, 34]) {
      await page.goto(`${app.url}/?title=${i}&throw=${i}`);
      await see(page, "end of the suite", 30_000);
      await page.getByText(`Error: ${payloads[i]}`).first().waitFor({ timeout: 10_000 });
      expect(await page.title()).toBe(payloads[i]);
      expect(await ran(page)).toBeUndefined();
    }
    await page.waitForTimeout(500); // anything deferred (autofocus, animations, refresh) has had its chance
    expect(await ran(page)).toBeUndefined();
    expect(dialogs).toEqual([]);
    await context.close();
  }, 180_000);
});
