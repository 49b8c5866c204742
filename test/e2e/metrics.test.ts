/**
 * /metrics in Prometheus text, read after a viewer used the app in Chromium: runs and their
 * latency, WebSocket bytes both ways, sessions and connections, cache() hits and misses, and
 * polls of a file source all move. The registry is per process, so the test compares before
 * and after rather than absolute counts.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { chromiumAndApps, fixture, open, see } from "./harness.ts";

const e2e = chromiumAndApps();
const folder = mkdtempSync(path.join(tmpdir(), "dash-metrics-"));
const notes = path.join(folder, "notes.txt");
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The value of one sample (`name{labels} value`), or 0 when it is not there. */
function sample(text: string, name: string, labels = ""): number {
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    if (line.slice(0, at) === (labels ? `${name}{${labels}}` : name)) return Number(line.slice(at + 1));
  }
  return 0;
}

describe("/metrics", () => {
  test("runs, latency, WebSocket bytes, sessions, connections, cache and polls move as a viewer uses the app", async () => {
    writeFileSync(notes, "first\n");
    process.env.DASH_TEST_NOTES = notes;
    const app = await e2e.start({ entry: fixture("metrics.ts"), production: true });
    const scrape = async (): Promise<string> => {
      const response = await fetch(`${app.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      return response.text();
    };
    const before = await scrape();
    for (const name of [
      "dash_rerun_seconds",
      "dash_runs_total",
      "dash_ws_bytes_sent_total",
      "dash_cache_hits_total",
      "dash_drains_total",
      "dash_source_polls_total",
    ])
      expect(before).toContain(`# TYPE ${name} `);
    expect(before).toContain("dash_process_resident_memory_bytes ");
    expect(before).not.toContain("dash_redis_up");

    const context = await e2e.browser.newContext();
    const page = await open(context, app.url);
    await see(page, "Square: 4");
    await see(page, "Notes: first");
    await page.getByRole("slider", { name: "Count" }).focus();
    await page.keyboard.press("ArrowRight");
    await see(page, "Count: 4");
    appendFileSync(notes, "second\n");
    await see(page, /^Notes: first\s+second$/);

    const after = await scrape();
    const delta = (name: string, labels = ""): number => sample(after, name, labels) - sample(before, name, labels);
    expect(delta("dash_runs_total")).toBeGreaterThanOrEqual(3);
    expect(delta("dash_rerun_seconds_count", 'outcome="done"')).toBeGreaterThanOrEqual(3);
    expect(delta("dash_rerun_seconds_sum", 'outcome="done"')).toBeGreaterThan(0);
    expect(delta("dash_cache_misses_total")).toBe(1);
    expect(delta("dash_cache_hits_total")).toBeGreaterThanOrEqual(2);
    expect(delta("dash_source_polls_total", `source="${notes}"`)).toBeGreaterThanOrEqual(2);
    expect(delta("dash_ws_bytes_sent_total")).toBeGreaterThan(500);
    expect(delta("dash_ws_bytes_received_total")).toBeGreaterThan(100);
    expect(delta("dash_ws_messages_total")).toBeGreaterThanOrEqual(2);
    expect(sample(after, "dash_sessions")).toBeGreaterThanOrEqual(1);
    expect(sample(after, "dash_connections")).toBeGreaterThanOrEqual(1);
    expect(sample(after, "dash_script_workers")).toBeGreaterThanOrEqual(1);

    // The viewer leaves: the connection gauge goes back down, the session waits for a reconnect.
    const connected = sample(after, "dash_connections");
    await context.close();
    await expect.poll(async () => sample(await scrape(), "dash_connections"), { timeout: 10_000 }).toBe(connected - 1);
    expect(sample(await scrape(), "dash_sessions")).toBe(sample(after, "dash_sessions"));
  });
});
