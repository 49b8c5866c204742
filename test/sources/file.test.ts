import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import { fileSource, splitGlob } from "../../packages/runtime/src/sources/file.ts";
import type { SourceValue } from "../../packages/runtime/src/sources/formats.ts";
import { SharedPoller } from "../../packages/runtime/src/sources/poller.ts";
import { FakeClock } from "./fake-clock.ts";

const dir = mkdtempSync(join(tmpdir(), "dash-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rows(value: SourceValue | undefined): Record<string, unknown>[] {
  if (value?.kind !== "table") throw new Error("expected a table");
  return tableFromIPC(value.ipc)
    .toArray()
    .map((r: { toJSON(): Record<string, unknown> }) => ({ ...r.toJSON() }));
}

/** Resolves on the next onChange (the watcher's event, not a timer, drives it). */
function changes() {
  const seen: string[][] = [];
  let wake: (() => void) | undefined;
  return {
    seen,
    onChange: (_key: string, sessions: string[]) => {
      seen.push(sessions);
      wake?.();
    },
    next: (count: number) =>
      new Promise<void>((resolve, reject) => {
        const timeout = setTimeout(() => reject(new Error(`no change event (saw ${seen.length})`)), 5000);
        const check = () => {
          if (seen.length >= count) {
            clearTimeout(timeout);
            resolve();
          }
        };
        wake = check;
        check();
      }),
  };
}

describe("fileSource", () => {
  it("re-reads a file when it changes on disk, with no timer", async () => {
    writeFileSync(join(dir, "prices.csv"), "item,price\napple,1\n");
    const clock = new FakeClock();
    const log = changes();
    const poller = new SharedPoller<SourceValue>({
      clock,
      onChange: log.onChange,
    });
    const state = await poller.read("s1", "prices", fileSource("prices.csv", { cwd: dir }));
    expect(rows(state.value)).toEqual([{ item: "apple", price: 1 }]);
    expect(clock.pending).toBe(0);
    writeFileSync(join(dir, "prices.csv"), "item,price\napple,2\n");
    await log.next(1);
    await poller.idle();
    expect(log.seen[0]).toEqual(["s1"]);
    expect(rows(poller.peek("prices")?.value)).toEqual([{ item: "apple", price: 2 }]);
    poller.close();
  });

  it("reads a glob as one table and notices new files", async () => {
    const sub = join(dir, "daily");
    writeFileSync(join(dir, "ignore.csv"), "day,n\n0,0\n");
    await import("node:fs").then((fs) => fs.mkdirSync(sub, { recursive: true }));
    writeFileSync(join(sub, "1.csv"), "day,n\n1,10\n");
    writeFileSync(join(sub, "2.csv"), "day,n\n2,20\n");
    writeFileSync(join(sub, "notes.txt"), "not data");
    const log = changes();
    const poller = new SharedPoller<SourceValue>({
      clock: new FakeClock(),
      onChange: log.onChange,
    });
    const state = await poller.read("s", "glob", fileSource("daily/*.csv", { cwd: dir }));
    expect(rows(state.value)).toEqual([
      { day: 1, n: 10 },
      { day: 2, n: 20 },
    ]);
    writeFileSync(join(sub, "3.csv"), "day,n\n3,30\n");
    await log.next(1);
    await poller.idle();
    expect(rows(poller.peek("glob")?.value).map((r) => r.day)).toEqual([1, 2, 3]);
    poller.close();
  });

  it("says which file or glob is missing", async () => {
    await expect(fileSource("nope.csv", { cwd: dir }).fetch()).rejects.toThrow(/file nope.csv not found/);
    await expect(fileSource("none/*.csv", { cwd: dir }).fetch()).rejects.toThrow(/no files match none\/\*.csv/);
  });

  it("matches globs", () => {
    const g = splitGlob("data/**/*.{csv,json}", "/app");
    expect(g.base).toBe("/app/data");
    expect(g.match("/app/data/a.csv")).toBe(true);
    expect(g.match("/app/data/x/y/b.json")).toBe(true);
    expect(g.match("/app/data/x/b.txt")).toBe(false);
    const one = splitGlob("/abs/file.csv", "/ignored");
    expect(one.glob).toBe(false);
    expect(one.match("/abs/file.csv")).toBe(true);
  });
});
