/**
 * Faults inside the server: a script worker frozen by `while (true) {}` or out of memory is
 * replaced; the viewer whose run brought it down is told why, the other viewers on that worker
 * carry on from their snapshots and lose none of the inputs they sent meanwhile.
 */
import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { chromiumAndApps, fixture, open, see } from "./harness.ts";
import { serve } from "../support/dash-serve.ts";

const e2e = chromiumAndApps();

const typeName = async (page: Page, text: string): Promise<void> => {
  await page.getByLabel("Name").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type(text);
  await page.keyboard.press("Enter");
};

const setN = (page: Page, value: number): Promise<void> =>
  page.evaluate((v) => (window as unknown as { __dash: { send(m: unknown): void } }).__dash.send({ t: "set", id: "slider:N", value: v }), value);

/** A page with something entered in each kind of input: a name, the slider at 5, one click of Add (state). */
async function enterValues(page: Page): Promise<void> {
  await typeName(page, "before");
  await setN(page, 5);
  await page.getByRole("button", { name: "Add" }).click();
  await see(page, "Hello before, N=5, added=1");
}

describe("faults in a script worker", () => {
  test("inputs sent while the worker is frozen are replayed after it is replaced; the frozen viewer is told", async () => {
    // One worker: both viewers' sessions live on the worker that freezes.
    const app = await e2e.start({ entry: fixture("faults.ts"), workers: 1, scriptTimeout: 3 });
    const context = await e2e.browser.newContext();
    const frozen = await open(context, app.url);
    const other = await open(context, app.url);
    await typeName(other, "before");
    await other.getByRole("button", { name: "Add" }).click();
    await see(other, "Hello before, N=0, added=1");

    const killed = app.host.killed;
    await frozen.getByRole("button", { name: "Freeze" }).click();
    await other.waitForTimeout(300); // the freeze has begun
    await typeName(other, "during");
    await setN(other, 42);
    for (let i = 0; i < 3; i++) await other.getByRole("button", { name: "Add" }).click();
    expect(app.host.killed).toBe(killed); // all of it was sent while the worker was frozen

    const banner = frozen.getByRole("alert").filter({ hasText: "ran longer than 3 s" });
    await banner.waitFor({ timeout: 15_000 });
    await see(other, "Hello during, N=42, added=4", 15_000);
    // The frozen viewer keeps its page and runs again on its next input.
    await typeName(frozen, "again");
    await see(frozen, "Hello again, N=0, added=0");
    await context.close();
  });

  test("a script that allocates until it dies: the worker is replaced, its viewer is told, the others keep their values and state", async () => {
    const app = await e2e.start({ entry: fixture("faults.ts"), workers: 1, workerMemory: 96 });
    const context = await e2e.browser.newContext();
    const other = await open(context, app.url);
    const grower = await open(context, app.url);
    await typeName(other, "kept");
    await setN(other, 7);
    for (let i = 0; i < 2; i++) await other.getByRole("button", { name: "Add" }).click();
    await see(other, "Hello kept, N=7, added=2");

    await grower.getByRole("button", { name: "Grow" }).click();
    const banner = grower.getByRole("alert").filter({ hasText: "used more than the 96 MB of memory a script may use and was stopped" });
    await banner.waitFor({ timeout: 30_000 });
    // The other viewer's session moved to the fresh worker with its widget values and state.
    await other.getByRole("button", { name: "Add" }).click();
    await see(other, "Hello kept, N=7, added=3", 15_000);
    await typeName(grower, "recovered");
    await see(grower, "Hello recovered, N=0, added=0");
    await context.close();
  });

  test("the server process stopped (SIGSTOP) under a page: the viewer sees Reconnecting…, then it carries on with values, state and what was entered", async () => {
    const stopFor = Number(process.env.DASH_FAULT_STOP_SECONDS ?? 20) * 1000; // the 20 s
    const server = await serve(fixture("faults.ts"));
    try {
      const context = await e2e.browser.newContext();
      const page = await open(context, server.url);
      await enterValues(page);
      const indicator = page.getByText(/^(Connected|Reconnecting…|Connecting…)$/);
      expect(await indicator.innerText()).toBe("Connected");

      process.kill(server.pid, "SIGSTOP");
      const stoppedAt = Date.now();
      try {
        await page.getByText("Reconnecting…").waitFor({ timeout: stopFor });
        // Entered while the server is stopped: held by the page, sent when it answers again.
        await setN(page, 9);
        await page.getByRole("button", { name: "Add" }).click();
        await page.waitForTimeout(Math.max(0, stopFor - (Date.now() - stoppedAt)));
      } finally {
        process.kill(server.pid, "SIGCONT");
      }
      await page.getByText("Connected", { exact: true }).waitFor({ timeout: 15_000 });
      await see(page, "Hello before, N=9, added=2", 15_000);
      expect(server.exitCode()).toBeNull();
      await context.close();
    } finally {
      await server.stop();
    }
  }, 90_000);

  test("the server process killed under a page and started again (no Redis): the page says its session was lost, the widgets come back with what was entered meanwhile", async () => {
    const first = await serve(fixture("faults.ts"));
    let second: Awaited<ReturnType<typeof serve>> | undefined;
    try {
      const context = await e2e.browser.newContext();
      const page = await open(context, first.url);
      await enterValues(page);

      await first.kill("SIGKILL");
      await page.getByText("Reconnecting…").waitFor({ timeout: 10_000 });
      // Entered while no server runs: the page holds it.
      await typeName(page, "during");
      await setN(page, 9);
      second = await serve(fixture("faults.ts"), ["--port", String(first.port)]);
      await page.getByText("Connected", { exact: true }).waitFor({ timeout: 20_000 });
      // The widgets as the viewer left them; dash.state lived in the killed process, and the page says so.
      await see(page, "Hello during, N=9, added=0", 15_000);
      await see(page, "The server no longer had this page's session (a restart, or a long time away): the widgets were restored, and dash.state started over.");
      await page.screenshot({ path: fixture("../out/faults-restart.png") });
      await page.getByRole("button", { name: "Add" }).click();
      await see(page, "Hello during, N=9, added=1");
      expect(second.exitCode()).toBeNull();
      await context.close();
    } finally {
      await first.stop();
      await second?.stop();
    }
  });

  test("a server silent for 60 s: the page gives its socket up and opens a new one, then resumes with what was entered", async () => {
    const server = await serve(fixture("faults.ts"));
    try {
      const context = await e2e.browser.newContext();
      const page = await context.newPage();
      // The page's clock is Playwright's, so the 60 s of silence can pass in a moment.
      await page.clock.install();
      await page.addInitScript(() => {
        const Native = WebSocket;
        const opened: string[] = [];
        (window as unknown as { __sockets: string[] }).__sockets = opened;
        window.WebSocket = class extends Native {
          constructor(url: string | URL, protocols?: string | string[]) {
            super(url, protocols);
            opened.push(String(url));
          }
        };
      });
      await page.goto(server.url);
      await typeName(page, "before");
      await see(page, "Hello before, N=0, added=0");
      const sockets = (): Promise<number> => page.evaluate(() => (window as unknown as { __sockets: string[] }).__sockets.length);
      expect(await sockets()).toBe(1);

      process.kill(server.pid, "SIGSTOP");
      try {
        await page.clock.runFor(5_000);
        await page.getByText("Reconnecting…").waitFor({ timeout: 10_000 });
        await setN(page, 9); // held by the page while the server is silent
        await page.clock.runFor(50_000); // 55 s of silence: still waiting on the same socket
        expect(await sockets()).toBe(1);
        await page.clock.runFor(10_000); // past 60 s: given up, a new socket opened
        expect(await sockets()).toBeGreaterThanOrEqual(2);
      } finally {
        process.kill(server.pid, "SIGCONT");
      }
      await page.getByText("Connected", { exact: true }).waitFor({ timeout: 20_000 });
      await see(page, "Hello before, N=9, added=0", 20_000);
      expect(server.exitCode()).toBeNull();
      await context.close();
    } finally {
      await server.stop();
    }
  });
});
