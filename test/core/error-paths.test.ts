import { afterEach, describe, expect, test } from "vitest";
import { describeError, hidePaths } from "../../packages/runtime/src/errors.ts";

const thrown = (message: string, frames: string[]): Error => Object.assign(new Error(message), { stack: [`Error: ${message}`, ...frames].join("\n") });

afterEach(() => hidePaths(null));

describe("errors shown to viewers in production", () => {
  const error = thrown(`ENOENT: no such file or directory, open '/srv/shop/data/sales.csv'`, [
    "    at Object.__dashScript (/srv/shop/app.ts:4:26)",
    "    at file:///srv/shop/lib/load.ts:9:3",
    "    at /home/ci/build/app.ts:7:1",
    "    at /srv/shop/dist/server/dash/worker.js:607:32",
    "    at Session.start (/srv/shop/dist/server/dash/worker.js:602:27)",
  ]);

  test("dash serve: files relative to the app's folder, others by name, dash's own frames dropped", () => {
    hidePaths("/srv/shop");
    const info = describeError(error);
    expect(info.message).toBe("ENOENT: no such file or directory, open 'data/sales.csv'");
    expect(info.stack).toBe(["at Object.__dashScript (app.ts:4:26)", "at lib/load.ts:9:3", "at app.ts:7:1"].join("\n"));
    expect(info.file).toBe("app.ts");
    expect(JSON.stringify(info)).not.toMatch(/\/srv|\/home/);
  });

  test("dash run: full paths for the author", () => {
    const info = describeError(error);
    expect(info.message).toContain("/srv/shop/data/sales.csv");
    expect(info.file).toBe("/srv/shop/app.ts");
  });
});
