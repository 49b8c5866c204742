/**
 * Issue 15.3: an error no code handled (a library's `error` event without a listener, a promise
 * rejected with nobody awaiting it) no longer ends the script worker. The worker carries on, every
 * session keeps its page, and the error is shown: as the source's error when a poll's fetcher
 * started it, else to the session whose run did.
 */
import { expect, test } from "vitest";
import type { Page } from "playwright-core";
import { chromiumAndApps, fixture, open, see, textStartingWith } from "./harness.ts";

const e2e = chromiumAndApps();

const warning = (page: Page, text: string) => page.locator(".dash-toast.warning", { hasText: text });

test("an unhandled 'error' event and an unhandled rejection from timers leave the worker and its sessions", async () => {
  const lines: string[] = [];
  const app = await e2e.start({ entry: fixture("stray-errors.ts"), workers: 1, log: (line) => lines.push(line) });
  const context = await e2e.browser.newContext();
  const first = await open(context, app.url);
  const second = await open(context, app.url);
  const worker = await textStartingWith(first, "worker ");
  expect(await textStartingWith(second, "worker ")).toBe(worker);

  // The pool's error, 400 ms after the first fetch, is poll("db")'s error: both pages keep the
  // data under a stale banner naming it.
  for (const page of [first, second]) {
    const banner = page.locator(".dash-source-status", { hasText: "Connection terminated unexpectedly" });
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.locator("code").innerText()).toBe('poll("db")');
    await see(page, "2 rows from the database");
    expect(await textStartingWith(page, "worker ")).toBe(worker);
  }
  expect(lines.some((line) => line.includes('an error no code handled in poll("db"): Error: Connection terminated unexpectedly'))).toBe(true);

  // A rejection nobody awaited, from a timer the first page's run set: shown to that page only.
  await first.getByRole("button", { name: "Reject later" }).click();
  await warning(first, "nobody awaited this").waitFor({ timeout: 10_000 });
  // An 'error' event from a timer the second page's run set.
  await second.getByRole("button", { name: "Throw later" }).click();
  await warning(second, "the pool broke again").waitFor({ timeout: 10_000 });
  expect(await warning(second, "nobody awaited this").count()).toBe(0);
  expect(await warning(first, "the pool broke again").count()).toBe(0);

  // Still the same worker (a fresh one would have evaluated the script's module again), and it runs.
  await first.getByRole("button", { name: "Reject later" }).click();
  await see(first, worker);
  expect(await textStartingWith(second, "worker ")).toBe(worker);
  expect(lines.filter((line) => line.includes("script worker failed"))).toEqual([]);
  await context.close();
});
