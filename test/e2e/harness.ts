/**
 * End-to-end helpers: start an app with `dash run` semantics in-process on a free 127.0.0.1
 * port (from the built dist, as `npx dash run` does), and drive Debian's Chromium with
 * playwright-core. Every test stops what it started.
 */
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { cpSync, existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import type { AppOptions, RunningApp } from "../../packages/cli/src/app.ts";

export const root = path.resolve(import.meta.dirname, "../..");

/** One list of Chromium flags for tests and benchmarks. */
import { chromiumArgs } from "../../bench/lib/chromium.mjs";
export { chromiumArgs };

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(Boolean) as string[];
  const found = candidates.find((file) => existsSync(file));
  if (!found) throw new Error("Chromium not found: install Debian's chromium (the README's test command does).");
  return found;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
}

let dist: Promise<string> | null = null;

/**
 * A private copy of the built CLI for this test process, so a rebuild running at the same time
 * (`npm run build` wipes packages/cli/dist first) cannot pull files from under a running test.
 * It lives under node_modules/.cache so the copy's bare imports (ws, esbuild…) still resolve.
 */
export function snapshotDist(): Promise<string> {
  dist ??= (async () => {
    const source = path.join(root, "packages/cli/dist");
    const target = path.join(root, "node_modules/.cache/dash-e2e", String(process.pid));
    process.once("exit", () => rmSync(target, { recursive: true, force: true }));
    for (let attempt = 0; attempt < 100; attempt++) {
      try {
        rmSync(target, { recursive: true, force: true });
        cpSync(source, target, { recursive: true });
        const entry = readFileSync(path.join(target, "app-entry.js"), "utf8");
        const chunks = [...entry.matchAll(/from\s*"\.\/([^"]+)"/g)].map((m) => m[1]!);
        if ([...chunks, "worker.js", "client/client.js", "client/client.css"].every((file) => existsSync(path.join(target, file)))) return target;
      } catch {
        // a rebuild is under way: try again
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error("dash is not built: run `node scripts/build.mjs` first.");
  })();
  return dist;
}

/** Start an app from the built CLI (dist), on a free port. */
export async function startApp(options: Omit<AppOptions, "port"> & { port?: number }): Promise<RunningApp> {
  const entry = path.join(await snapshotDist(), "app-entry.js");
  const { startApp: start } = (await import(entry)) as typeof import("../../packages/cli/src/app.ts");
  const app = await start({ port: 0, log: () => {}, ...options });
  await app.ready; // tests edit files right away: the watcher must be watching
  return app;
}

/**
 * For a test file: Chromium, launched before its tests, and `start` for apps; the browser and
 * every app started are closed after the file's tests.
 */
export function chromiumAndApps(): { readonly browser: Browser; start(options: Omit<AppOptions, "port">): Promise<RunningApp> } {
  let browser: Browser | undefined;
  const apps: RunningApp[] = [];
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all(apps.map((app) => app.close()));
  });
  return {
    get browser(): Browser {
      if (!browser) throw new Error("Chromium starts before the file's tests.");
      return browser;
    },
    async start(options) {
      const app = await startApp(options);
      apps.push(app);
      return app;
    },
  };
}

/** Open a page on the app and wait until its first run has finished. */
export async function open(context: Browser | BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await waitIdle(page);
  return page;
}

/** Wait until the connection is up, a run has finished and no run is announced as going. */
export async function waitIdle(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const dash = (window as unknown as { __dash?: { ui(): { connection: string; running: boolean }; finished(): number } }).__dash;
    return dash && dash.ui().connection === "connected" && !dash.ui().running && dash.finished() > 0 && document.querySelector(".dash-main .dash-el") !== null;
  });
}

/** Wait until this exact text is visible on the page (fails after `timeout` ms). */
export async function see(page: Page, text: string | RegExp, timeout = 5000): Promise<void> {
  await page
    .getByText(text, { exact: typeof text === "string" })
    .first()
    .waitFor({ state: "visible", timeout });
}

/** Wait until no element shows this text. */
export async function gone(page: Page, text: string | RegExp, timeout = 5000): Promise<void> {
  await page
    .getByText(text, { exact: typeof text === "string" })
    .first()
    .waitFor({ state: "hidden", timeout });
}

/** The `.dash-text` element that starts with `prefix`, as text. */
export async function textStartingWith(page: Page, prefix: string): Promise<string> {
  return page.locator(".dash-text", { hasText: prefix }).first().innerText();
}

/** Press Tab until the focused element matches `selector` (keyboard-only navigation). */
export async function tabTo(page: Page, selector: string, limit = 80): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** The session id the page holds. */
export function sessionOf(page: Page): Promise<string | null> {
  return page.evaluate(() => sessionStorage.getItem("dash.session"));
}

/** A fixture script under test/e2e/fixtures. */
export function fixture(name: string): string {
  return path.join(root, "test/e2e/fixtures", name);
}
