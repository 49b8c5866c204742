/**
 * What docs/api.md §5 and §6 say about multi-page apps, checked in Chromium: pages in file-name
 * order, a leading "1_" dropped, titles and URLs from the names, a lib/ folder not a page; one
 * `dash.state` for every page; a widget known by its label on every page; a page's widget that
 * another page does not draw starts over when you come back (as in Streamlit), unless its value is
 * kept in `dash.state`.
 */
import { describe, expect, test } from "vitest";
import { chromiumAndApps, fixture, open, see } from "./harness.ts";

const e2e = chromiumAndApps();

describe("multi-page apps, as documented", () => {
  test("names, order and URLs; state shared; widgets by label; a page's own widgets start over", async () => {
    const app = await e2e.start({ entry: fixture("pages-state") });
    const context = await e2e.browser.newContext();
    const page = await open(context, app.url);
    const nav = page.getByRole("navigation", { name: "Pages" });
    const links = await nav.getByRole("link").evaluateAll((elements) =>
      elements.map((a) => ({
        title: [...a.childNodes]
          .filter((n) => !(n instanceof Element && n.getAttribute("aria-hidden") === "true"))
          .map((n) => n.textContent)
          .join(""),
        href: new URL((a as HTMLAnchorElement).href).pathname,
      })),
    );
    expect(links).toEqual([
      { title: "First", href: "/" },
      { title: "Second page", href: "/second_page" },
      { title: "Third", href: "/third" },
    ]);
    expect(await nav.getByRole("link", { name: "Second page" }).locator(".dash-page-icon").textContent()).toBe("📈");

    await page.getByLabel("Name").fill("Ada");
    await page.getByLabel("Name").press("Enter");
    await page.getByLabel("Note").fill("keep me");
    await page.getByLabel("Note").press("Enter");
    await page.getByLabel("Kept").fill("x");
    await page.getByLabel("Kept").press("Enter");
    await see(page, "Hello, Ada (note: keep me, kept: x)");

    // Another page: the same dash.state, and the same "Name" widget (its value too).
    await nav.getByRole("link", { name: "Second page" }).click();
    await page.waitForURL(/\/second_page$/);
    await see(page, "state.name on this page: Ada");
    await see(page, "the Name widget here: Ada");
    expect(await page.getByLabel("Name").inputValue()).toBe("Ada");

    // Back: "Name" was drawn on the second page and kept its value; "Note" was not and starts over.
    await nav.getByRole("link", { name: "First" }).click();
    await see(page, "Hello, Ada (note: , kept: x)");
    expect(await page.getByLabel("Note").inputValue()).toBe("");

    // A page that draws none of them: "Name" and "Note" start over; "Kept" reads dash.state.
    await nav.getByRole("link", { name: "Third" }).click();
    await see(page, "the third page draws no widget");
    await nav.getByRole("link", { name: "First" }).click();
    await see(page, "Hello (note: , kept: x)");
    expect(await page.getByLabel("Kept").inputValue()).toBe("x");
    await context.close();
  });

  test("the URL's query-bound values stay in the address bar from page to page, and back and forward", async () => {
    const app = await e2e.start({ entry: fixture("pages-query") });
    const context = await e2e.browser.newContext();
    const page = await open(context, `${app.url}/?min=7`);
    const nav = page.getByRole("navigation", { name: "Pages" });
    await see(page, "first page, min 7");

    await nav.getByRole("link", { name: "Second" }).click();
    await see(page, 'second page, query {"min":"7"}');
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe("/second?min=7");

    await nav.getByRole("link", { name: "First" }).click();
    await see(page, "first page, min 7");
    expect(new URL(page.url()).search).toBe("?min=7");
    expect(await page.getByRole("spinbutton", { name: "Min" }).inputValue()).toBe("7");

    // Back to the second page's entry (it says min=7), after the value became 3: the address bar
    // shows what the session has, 3.
    await page.getByRole("spinbutton", { name: "Min" }).fill("3");
    await page.getByRole("spinbutton", { name: "Min" }).press("Enter");
    await see(page, "first page, min 3");
    await page.waitForURL((url) => url.search === "?min=3");
    await page.goBack();
    await see(page, 'second page, query {"min":"3"}');
    await page.waitForURL((url) => url.pathname === "/second" && url.search === "?min=3");
    await context.close();
  });
});
