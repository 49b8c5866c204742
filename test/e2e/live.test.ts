/**
 * The live loop of `dash run`: hot reload in place (a copy of examples/hello in a temp folder),
 * a syntax error and its fix, a dropped WebSocket that resumes the same session, and a server
 * restart that starts a fresh session restoring the widget values the browser knew.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { AppOptions, RunningApp } from "../../packages/cli/src/app.ts";
import { launch, open, root, see, sessionOf, startApp, waitIdle } from "./harness.ts";

let browser: Browser;
let dir: string;
let apps: RunningApp[] = [];

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await Promise.all(apps.map((app) => app.close()));
  apps = [];
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function copyOfHello(): Promise<string> {
  dir = await mkdtemp(path.join(tmpdir(), "dash-e2e-"));
  await cp(path.join(root, "examples/hello"), dir, { recursive: true });
  return path.join(dir, "app.ts");
}

async function start(options: Omit<AppOptions, "port"> & { port?: number }): Promise<RunningApp> {
  const app = await startApp(options);
  apps.push(app);
  return app;
}

/** Put the page in a known state: a marker, a name, a slider value and one click in dash.state. */
async function prepare(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 42));
  const name = page.getByLabel("Your name");
  await name.click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type("Ada");
  await page.keyboard.press("Enter");
  await see(page, /Hello, Ada!/);
  await page.getByRole("slider", { name: "Count" }).focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await page.getByRole("button", { name: "Click me" }).click();
  await see(page, "Clicked 1 times");
  await page.getByRole("group", { name: "Count" }).getByText("5", { exact: true }).waitFor();
}

async function expectKept(page: Page, options: { marker: boolean; clicks: number }): Promise<void> {
  if (options.marker) expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(42);
  expect(await page.getByLabel("Your name").inputValue()).toBe("Ada");
  expect(await page.getByRole("slider", { name: "Count" }).inputValue()).toBe("5");
  await see(page, `Clicked ${options.clicks} times`);
  expect(await page.locator(".dash-markdown").first().innerText()).toBe(Array(5).fill("Hello, Ada!").join("\n"));
}

const connection = (page: Page): Promise<string> => page.locator(".dash-connection").innerText();

describe("dash run", () => {
  test("saving the script or a module it imports updates the page in place, keeping widget values and state", async () => {
    const entry = await copyOfHello();
    const app = await start({ entry, watch: true });
    const page = await open(browser, app.url);
    await prepare(page);

    const source = await readFile(entry, "utf8");
    await writeFile(entry, source.replace('dash.title("Hello, dash");', 'dash.title("Hello, hot reload");'));
    await see(page, "Hello, hot reload", 8000);
    await waitIdle(page);
    await expectKept(page, { marker: true, clicks: 1 });

    // A local module the script imports.
    const greeting = path.join(dir, "greeting.ts");
    await writeFile(greeting, (await readFile(greeting, "utf8")).replace("`Hello, **", "`Howdy, **"));
    await page.waitForFunction(() => document.querySelector(".dash-markdown")?.textContent?.startsWith("Howdy, Ada!"), null, { timeout: 8000 });
    expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(42);
    await see(page, "Clicked 1 times");
    await page.context().close();
  });

  test("a syntax error on save is shown with file and line; fixing it recovers", async () => {
    const entry = await copyOfHello();
    const app = await start({ entry, watch: true });
    const page = await open(browser, app.url);
    await prepare(page);
    const source = await readFile(entry, "utf8");
    const broken = source.replace('dash.title("Hello, dash");', 'dash.title("Hello, dash";');
    const line = broken.split("\n").findIndex((l) => l.includes('dash.title("Hello, dash";')) + 1;
    await writeFile(entry, broken);
    const banner = page.getByRole("alert").filter({ hasText: "The script has an error" });
    await banner.waitFor({ timeout: 8000 });
    expect(await banner.innerText()).toContain(`app.ts:${line}`);
    // The last good page stays under the banner.
    await see(page, "Clicked 1 times");

    await writeFile(entry, source.replace('dash.title("Hello, dash");', 'dash.title("Fixed");'));
    await see(page, "Fixed", 8000);
    await banner.waitFor({ state: "detached" });
    await waitIdle(page);
    await expectKept(page, { marker: true, clicks: 1 });
    await page.context().close();
  });

  test("a dropped WebSocket reconnects and resumes the same session (Reconnecting → Connected)", async () => {
    const app = await start({ entry: path.join(root, "examples/hello/app.ts"), watch: false });
    const context = await browser.newContext();
    const page = await open(context, app.url);
    await prepare(page);
    const session = await sessionOf(page);
    const finished = (): Promise<number> => page.evaluate(() => (window as unknown as { __dash: { finished(): number } }).__dash.finished());
    const before = await finished();

    await page.evaluate(() => (window as unknown as { __dash: { socket(): WebSocket } }).__dash.socket().close());
    await page.locator(".dash-connection", { hasText: "Reconnecting" }).waitFor({ timeout: 2000 });
    await page.locator(".dash-connection", { hasText: "Connected" }).waitFor({ timeout: 8000 });
    await waitIdle(page);
    expect(await sessionOf(page)).toBe(session);
    // The server says whether a run is going on the session it resumed (here none: it is idle).
    await page.waitForFunction((n) => (window as unknown as { __dash: { finished(): number } }).__dash.finished() > n, before, { timeout: 2000 });
    await expectKept(page, { marker: true, clicks: 1 });

    // Offline for a while: keeps retrying, shows Reconnecting, and comes back when online.
    await context.setOffline(true);
    await page.evaluate(() => (window as unknown as { __dash: { socket(): WebSocket } }).__dash.socket().close());
    await page.locator(".dash-connection", { hasText: "Reconnecting" }).waitFor({ timeout: 2000 });
    await page.waitForTimeout(1500);
    expect(await connection(page)).toContain("Reconnecting");
    await context.setOffline(false);
    await page.locator(".dash-connection", { hasText: "Connected" }).waitFor({ timeout: 8000 });
    await waitIdle(page);
    expect(await sessionOf(page)).toBe(session);
    await expectKept(page, { marker: true, clicks: 1 });
    // And it still works.
    await page.getByRole("button", { name: "Click me" }).click();
    await see(page, "Clicked 2 times");
    await context.close();
  });

  test("a server restart starts a fresh session that restores the widget values", async () => {
    const entry = path.join(root, "examples/hello/app.ts");
    const first = await start({ entry, watch: false });
    const context = await browser.newContext();
    const page = await open(context, first.url);
    await prepare(page);
    const session = await sessionOf(page);

    await first.close();
    apps = apps.filter((app) => app !== first);
    await page.locator(".dash-connection", { hasText: "Reconnecting" }).waitFor({ timeout: 4000 });
    const second = await start({ entry, watch: false, port: first.port });
    await page.locator(".dash-connection", { hasText: "Connected" }).waitFor({ timeout: 10_000 });
    await waitIdle(page);
    expect(await sessionOf(page)).not.toBe(session);
    expect(second.url).toBe(first.url);
    // Widget values come back; dash.state lived on the old server and starts over.
    await expectKept(page, { marker: true, clicks: 0 });
    await context.close();
  });
});
