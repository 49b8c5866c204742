/**
 * Bad input gets a clear error and loses nothing: script-injection payloads never run, foreign
 * origins cannot open the WebSocket, malformed / oversized / unknown messages are refused with a
 * warning while the session keeps working, and duplicate widget identities name both call sites.
 */
import path from "node:path";
import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import WebSocket from "ws";
import type { RunningApp } from "../../packages/cli/src/app.ts";
import { chromiumAndApps, fixture, open, root, see } from "./harness.ts";

const e2e = chromiumAndApps();

const start = (entry: string): Promise<RunningApp> => e2e.start({ entry });

const xssFlag = (page: Page): Promise<unknown> => page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss);

describe("security", () => {
  test("markdown, labels, text and options never run script", async () => {
    const app = await start(fixture("xss.ts"));
    const context = await e2e.browser.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(app.url);
    await page.getByRole("heading", { level: 1 }).waitFor();
    await page.waitForTimeout(300);
    // The payloads are shown as text where the author passed text…
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe(`Title <img src=x onerror="window.__xss='img'">`);
    await page.getByRole("slider", { name: `Slider <img src=x onerror="window.__xss='img'">` }).waitFor();
    await page.getByRole("tab", { name: `Tab <img src=x onerror="window.__xss='img'">` }).waitFor();
    // …markdown shows raw HTML as the text it is…
    const escaped = page.locator(".dash-markdown").first();
    expect(await escaped.innerText()).toContain(`Markdown <img src=x onerror="window.__xss='img'"> <script>window.__xss='script'</script>`);
    expect(await escaped.locator("img, script, svg, iframe, div, a[href^='javascript']").count()).toBe(0);
    // …and with unsafeAllowHtml keeps harmless HTML while dropping handlers, scripts and javascript: URLs.
    const markdown = page.locator(".dash-markdown").nth(1);
    await markdown.getByText("hover me").waitFor();
    expect(await markdown.locator("script, iframe, [onerror], [onload], [onmouseover]").count()).toBe(0);
    for (const link of await markdown.locator("a").all()) expect((await link.getAttribute("href")) ?? "").not.toMatch(/^javascript:/i);
    await markdown.getByText("hover me").hover();
    for (const link of await markdown.locator("a").all()) await link.click({ modifiers: [] }).catch(() => {});
    await see(page, /^Refused: image\(\):/);

    // Interact so that labels, options and toasts are re-rendered from patches.
    await page.getByRole("button", { name: /^Button / }).click();
    await see(page, `Toast <img src=x onerror="window.__xss='img'">`);
    await page.getByRole("slider", { name: /^Slider / }).focus();
    await page.keyboard.press("ArrowRight");
    await see(page, "Slider is 2");
    await page.getByText(/^Expander /).click();
    await page.waitForTimeout(300);
    expect(await xssFlag(page)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(await page.title()).toBe(`<img src=x onerror="window.__xss='img'"> page`);
    await context.close();
  });

  test("a query parameter in markdown cannot lay a link over the page (raw HTML is text unless the author opts in)", async () => {
    const app = await start(fixture("xss.ts"));
    const context = await e2e.browser.newContext();
    const page = await context.newPage();
    const overlay = `<a href="https://evil.example/" style="position:fixed;inset:0;z-index:9999;background:red">You won</a> <img src="https://evil.example/track.png">`;
    const remote: string[] = [];
    await page.route("**/*", (route) => {
      if (new URL(route.request().url()).hostname === "evil.example") remote.push(route.request().url());
      return route.request().url().startsWith(app.url) ? route.continue() : route.abort();
    });
    await page.goto(`${app.url}/?q=${encodeURIComponent(overlay)}`);
    const searched = page.locator(".dash-markdown", { hasText: "You searched for" });
    await searched.waitFor();
    expect(await searched.innerText()).toBe(`You searched for ${overlay}`);
    expect(await searched.locator("a, img, [style]").count()).toBe(0);
    expect(await page.locator("a[style*='fixed']").count()).toBe(0);
    await page.screenshot({ path: path.join(root, "node_modules/.cache/xss-query-markdown.png") });
    expect(remote).toEqual([]);
    await context.close();
  });

  test("a WebSocket upgrade from a foreign Origin is refused; the page's own origin is accepted", async () => {
    const app = await start(path.join(root, "examples/hello/app.ts"));
    const wsUrl = `${app.url.replace("http", "ws")}/_dash/ws`;
    const status = (origin: string): Promise<number | "open"> =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(wsUrl, { origin });
        ws.on("open", () => {
          ws.close();
          resolve("open");
        });
        ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        ws.on("error", reject);
      });
    expect(await status("http://evil.example")).toBe(403);
    expect(await status(`http://attacker.localhost:${app.port}`)).toBe(403);
    expect(await status(app.url)).toBe("open");
  });

  test("DNS rebinding: a page on a name that resolves to 127.0.0.1 cannot open the WebSocket", async () => {
    const app = await start(path.join(root, "examples/hello/app.ts"));
    const wsUrl = `${app.url.replace("http", "ws")}/_dash/ws`;
    // What a browser sends for a page on evil.example whose DNS now answers 127.0.0.1: Host and Origin agree.
    const status = (host: string, origin: string): Promise<number | "open"> =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(wsUrl, { origin, headers: { host } });
        ws.on("open", () => {
          ws.close();
          resolve("open");
        });
        ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        ws.on("error", reject);
      });
    expect(await status(`evil.example:${app.port}`, `http://evil.example:${app.port}`)).toBe(403);
    expect(await status(`evil.example:${app.port}`, `https://evil.example:${app.port}`)).toBe(403);
    expect(await status(`localhost:${app.port}`, `http://localhost:${app.port}`)).toBe("open");
    expect(await status(`127.0.0.1:${app.port}`, `http://127.0.0.1:${app.port}`)).toBe("open");
    expect(await status(`127.0.0.1:${app.port}`, `http://localhost:${app.port}`)).toBe(403);

    // With --public-url, that origin and no other (not even the loopback page's).
    const behind = await e2e.start({ entry: path.join(root, "examples/hello/app.ts"), publicUrl: "https://dash.example.com" });
    const behindUrl = `${behind.url.replace("http", "ws")}/_dash/ws`;
    const statusBehind = (host: string, origin: string): Promise<number | "open"> =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(behindUrl, { origin, headers: { host } });
        ws.on("open", () => {
          ws.close();
          resolve("open");
        });
        ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        ws.on("error", reject);
      });
    expect(await statusBehind("dash.example.com", "https://dash.example.com")).toBe("open");
    expect(await statusBehind("dash.example.com", "http://dash.example.com")).toBe(403);
    expect(await statusBehind(`127.0.0.1:${behind.port}`, behind.url)).toBe(403);
  });

  test("malformed, oversized and unknown messages are refused with a warning; the session keeps working", async () => {
    const app = await start(path.join(root, "examples/hello/app.ts"));
    const context = await e2e.browser.newContext();
    const page = await open(context, app.url);
    const session = await page.evaluate(() => sessionStorage.getItem("dash.session"));
    const send = (payload: string): Promise<void> =>
      page.evaluate((text) => (window as unknown as { __dash: { socket(): WebSocket } }).__dash.socket().send(text), payload);
    await send("this is not JSON");
    await see(page, "The server ignored a message: message is not JSON");
    await send(JSON.stringify({ t: "launchMissiles" }));
    await see(page, /^The server ignored a message: invalid message/);
    // (A message over the size limit closes the socket with a reason: test/e2e/limits.test.ts.)
    await send(JSON.stringify({ t: "set", id: "slider:Count", value: "ten" }));
    await see(page, /^Refused a value for "Count"/);
    await send(JSON.stringify({ t: "set", id: "slider:Nope", value: 1 }));
    await see(page, /^Unknown widget "slider:Nope"/);
    await page.evaluate(() => (window as unknown as { __dash: { socket(): WebSocket } }).__dash.socket().send(new Uint8Array([0, 0, 0, 200, 1, 2, 3])));
    await see(page, "The server ignored a message: malformed binary frame");
    // An out-of-range value is clamped, not trusted.
    await send(JSON.stringify({ t: "set", id: "slider:Count", value: 1e9 }));
    await see(page, "Clicked 0 times");
    await page.getByRole("group", { name: "Count" }).getByText("10", { exact: true }).waitFor();

    // Still the same session, and it still works.
    expect(await page.evaluate(() => sessionStorage.getItem("dash.session"))).toBe(session);
    expect(await page.evaluate(() => (window as unknown as { __dash: { ui(): { connection: string } } }).__dash.ui().connection)).toBe("connected");
    await page.getByRole("button", { name: "Click me" }).click();
    await see(page, "Clicked 1 times");
    await context.close();
  });

  test("an upload over the limit sent straight to the server is refused with a message", async () => {
    const app = await start(path.join(root, "examples/widgets/app.ts"));
    const context = await e2e.browser.newContext();
    const page = await open(context, app.url);
    await page.evaluate(() => {
      const header = new TextEncoder().encode(
        JSON.stringify({ kind: "upload", id: "fileUploader:Upload a CSV", name: "huge.csv", type: "text/csv", index: 0, count: 1, size: 5000, offset: 0 }),
      );
      const frame = new Uint8Array(4 + header.length + 5000);
      new DataView(frame.buffer).setUint32(0, header.length);
      frame.set(header, 4);
      (window as unknown as { __dash: { socket(): WebSocket } }).__dash.socket().send(frame);
    });
    await see(page, "huge.csv is 5 kB; the limit is 1 kB.");
    await see(page, "Uploaded: nothing");
    await context.close();
  });

  test("two widgets with the same label: an error in the page naming both call sites", async () => {
    const app = await start(fixture("duplicate.ts"));
    const context = await e2e.browser.newContext();
    const page = await context.newPage();
    await page.goto(app.url);
    const error = page.locator(".dash-exception");
    await error.waitFor();
    const text = await error.innerText();
    expect(text).toContain('Two slider widgets have the same label "Count"');
    expect(text).toMatch(/test\/e2e\/fixtures\/duplicate\.ts:5\b[\s\S]*test\/e2e\/fixtures\/duplicate\.ts:6\b/);
    // The output before the error stays.
    await see(page, "Duplicate widgets");
    await context.close();
  });
});
