/**
 * A page load reads its URL (issue 14 point 5): loading another address in the same tab resumes
 * the session, and the script sees the new query, not the one the session had.
 */
import { describe, expect, test } from "vitest";
import { chromiumAndApps, fixture, open, see, sessionOf, waitIdle } from "./harness.ts";

const e2e = chromiumAndApps();

describe("the URL of a page load", () => {
  test("?x=1, then ?x=2 in the same tab: the script sees x=2 and the address bar stays ?x=2; ?x= reads as empty", async () => {
    const app = await e2e.start({ entry: fixture("url-query.ts") });
    const context = await e2e.browser.newContext();
    const page = await open(context, `${app.url}?x=1`);
    await see(page, 'query {"x":"1"}');
    await see(page, 'widget "1"');
    const sid = await sessionOf(page);

    await page.goto(`${app.url}?x=2`);
    await waitIdle(page);
    await see(page, 'query {"x":"2"}');
    await see(page, 'widget "2"');
    expect(await sessionOf(page)).toBe(sid); // (the same session, resumed)
    await expect.poll(() => new URL(page.url()).search, { timeout: 5000 }).toBe("?x=2");
    await page.screenshot({ path: "/tmp/i14-url.png" });

    await page.goto(`${app.url}?x=`);
    await waitIdle(page);
    await see(page, 'query {"x":""}');
    await see(page, 'widget ""');
    await expect.poll(() => new URL(page.url()).search, { timeout: 5000 }).toBe("?x=");
    await context.close();
  });
});
