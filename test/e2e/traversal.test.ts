/**
 * Path traversal over every route that serves files, against `dash serve app.ts` (a real process)
 * and `dash run`: `..` plain, encoded, double-encoded, with backslashes, NUL bytes and overlong
 * UTF-8, plus a symlink put in the served folder. Nothing outside the served folder is sent.
 * (`dash build`'s static folder is probed in build.test.ts.)
 */
import { rmSync, symlinkSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { root, snapshotDist, startApp } from "./harness.ts";
import { serve, type ServedApp } from "../support/dash-serve.ts";
import { probeTraversal, rawGet } from "../support/traversal.ts";

const prefixes = ["/_dash/", "/", "/_dash/client.js/", "/healthz/"];
let app: ServedApp;
let link: string;
beforeAll(async () => {
  // A symlink in the folder of the client's files, pointing out of it.
  link = path.join(await snapshotDist(), "client", "leak.js");
  symlinkSync("/etc/passwd", link);
  app = await serve(path.join(root, "examples/hello/app.ts"));
});
afterAll(async () => {
  await app?.stop();
  rmSync(link, { force: true });
});

describe("path traversal", () => {
  test("dash serve: no probe reads a file outside the client's folder; /_dash/ probes get 400 or 404", async () => {
    const { tried, leaked, statuses, pages } = await probeTraversal(app.port, prefixes);
    expect(tried).toBeGreaterThanOrEqual(150);
    expect(leaked).toEqual([]);
    // Each answer is a refusal or the page itself (`/_dash/../x` is the path `/x`, which is the page).
    expect([...statuses.keys()].filter((status) => status !== 404 && status !== 400 && status !== 200)).toEqual([]);
    expect(pages).toEqual(statuses.get(200) ?? 0);
    expect(app.exitCode()).toBeNull();
  });

  test("a symlink in the served folder is not followed", async () => {
    const answer = await rawGet(app.port, "/_dash/leak.js");
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain("root:x:0:0");
  });

  test("dash run: the same probes read nothing either", async () => {
    const dev = await startApp({ entry: path.join(root, "examples/hello/app.ts") });
    try {
      const { leaked } = await probeTraversal(dev.port, prefixes);
      expect(leaked).toEqual([]);
      expect((await rawGet(dev.port, "/_dash/leak.js")).status).toBe(404);
    } finally {
      await dev.close();
    }
  });
});
