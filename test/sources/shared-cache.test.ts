import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { CacheCoordinator } from "../../packages/runtime/src/cache.ts";

const root = path.resolve(import.meta.dirname, "../..");

describe("cache shared across script workers", () => {
  it("the coordinator grants one computation per key and hands its value to every waiter", async () => {
    const coordinator = new CacheCoordinator();
    const first = await coordinator.claim("k");
    expect(first).toEqual({ hit: false });
    const waiters = [coordinator.claim("k"), coordinator.claim("k")];
    coordinator.settle("k", { value: 42, expires: Date.now() + 1000 });
    expect(await Promise.all(waiters)).toEqual([
      { hit: true, value: 42 },
      { hit: true, value: 42 },
    ]);
    expect(await coordinator.claim("k")).toEqual({ hit: true, value: 42 });
    expect(coordinator.granted).toBe(1);
  });

  it("a failed computation is not kept: the next caller computes again", async () => {
    const coordinator = new CacheCoordinator();
    await coordinator.claim("k");
    const waiter = coordinator.claim("k");
    coordinator.settle("k", { failed: true });
    expect(await waiter).toEqual({ hit: false });
    expect(await coordinator.claim("k")).toEqual({ hit: false });
  });

  const stops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const stop of stops) await stop();
  });

  it("40 sessions spread over 2 workers make one underlying call", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "dash-cache-"));
    const countFile = path.join(dir, "calls.txt");
    writeFileSync(countFile, "");
    process.env.DASH_TEST_COUNT_FILE = countFile;
    const { startApp } = (await import(path.join(root, "packages/cli/dist/app-entry.js"))) as typeof import("../../packages/cli/src/app.ts");
    const app = await startApp({ entry: path.join(root, "test/fixtures/shared-cache.ts"), port: 0, workers: 2, log: () => {} });
    stops.push(() => app.close());
    await app.ready;
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the second worker starts a second after the first
    const sessions = Array.from({ length: 40 }, () => {
      const ws = new WebSocket(`${app.url.replace("http", "ws")}/_dash/ws`);
      return new Promise<string>((resolve, reject) => {
        ws.on("open", () => ws.send(JSON.stringify({ t: "hello" })));
        ws.on("message", (data) => {
          const text = String(data);
          if (text.includes("CA 3")) {
            ws.close();
            resolve(text);
          }
        });
        ws.on("error", reject);
      });
    });
    await Promise.all(sessions);
    expect(readFileSync(countFile, "utf8").trim().split("\n")).toEqual(["CA"]);
  });
});
