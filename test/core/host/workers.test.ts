/**
 * The worker pool and its watchdog, with real worker threads running a stand-in worker
 * (fake-worker.mjs) that speaks the thread protocol without an app.
 */
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ErrorInfo } from "../../../packages/runtime/src/protocol.ts";
import type { FromWorker } from "../../../packages/runtime/src/thread.ts";
import { stoppedError, WorkerPool, type PoolOptions, type Stop, type ThreadMessage, type WorkerHandle } from "../../../packages/runtime/src/workers.ts";

const workerFile = path.join(import.meta.dirname, "fake-worker.mjs");
const threadKinds = new Set(["ready", "loaded", "request", "fetched", "log", "ran"]);

const pools: WorkerPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

/** A pool whose events are recorded; thread messages go back to the pool, as the host does. */
function start(options: Partial<PoolOptions> = {}) {
  const replaced: { old: WorkerHandle; fresh: WorkerHandle; stop: Stop }[] = [];
  const loadFailed: ErrorInfo[] = [];
  const logs: string[] = [];
  const pool: WorkerPool = new WorkerPool(
    { workerFile, workers: 1, appFolder: "/app", log: (line) => logs.push(line), ...options },
    {
      message: (handle, message: FromWorker) => {
        if (threadKinds.has(message.t)) pool.receive(handle, message as ThreadMessage);
      },
      replaced: (old, fresh, stop) => replaced.push({ old, fresh, stop }),
      loadFailed: (error) => loadFailed.push(error),
    },
  );
  pools.push(pool);
  return { pool, replaced, loadFailed, logs };
}

/** Wait for a condition (no fixed sleeps: the machine may be loaded). */
async function until(what: string, done: () => boolean, timeout = 15_000): Promise<void> {
  const end = Date.now() + timeout;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const click = (pool: WorkerPool, handle: WorkerHandle, id: string, seq: number): void =>
  pool.post(handle, { t: "message", sid: "s", message: { t: "click", id }, seq });

describe("the worker pool", () => {
  it("the watchdog replaces a worker whose heartbeat stalls, naming the session that was running", async () => {
    // 2 s: long enough for a worker to start on a loaded machine (one that never beats is stopped too).
    const { pool, replaced } = start({ scriptTimeout: 2000 });
    const first = pool.handles[0]!;
    await first.ready;
    await until("its first beat", () => Atomics.load(first.beat, 0) > 0);
    click(pool, first, "freeze", 5);
    await until("the frozen worker to be replaced", () => replaced.length === 1);
    const [{ old, fresh, stop }] = replaced as [(typeof replaced)[0]];
    expect(old).toBe(first);
    expect(old.dead).toBe(true);
    expect(pool.handles).toEqual([fresh]);
    expect(stop).toEqual({ culprit: 5, why: "timeout", handled: 5 });
    expect(pool.killed).toBe(1);
    // The fresh worker works.
    click(pool, fresh, "hold:k", 6);
    await expect(pool.fetch("k", [fresh])).resolves.toBe("k from /app");
  });

  it("a worker out of memory is replaced too, and its running session is named as the one that grew", async () => {
    const { pool, replaced, logs } = start({ workerMemory: 16 });
    const first = pool.handles[0]!;
    await first.ready;
    click(pool, first, "grow", 9);
    await until("the worker out of memory to be replaced", () => replaced.length === 1);
    expect(replaced[0]!.stop).toEqual({ culprit: 9, why: "memory", handled: 9 });
    expect(pool.killed).toBe(0); // not the watchdog's doing
    expect(logs.join("\n")).toMatch(/script worker failed/);
  });

  it("a poll's fetcher runs in the first worker that holds it; a worker that holds none is skipped", async () => {
    const { pool } = start({ workers: 2 });
    await until("the second worker", () => pool.handles.length === 2);
    const [a, b] = pool.handles as [WorkerHandle, WorkerHandle];
    await b.ready;
    click(pool, b, "hold:k", 1);
    await expect(pool.fetch("k", [undefined, a, a, b])).resolves.toBe("k from /app");
    await expect(pool.fetch("other", [a, b])).rejects.toThrow(/no script worker holds this poll's fetcher/);
    expect(a.fetches.size + b.fetches.size).toBe(0);
  });

  it("answers a worker's request with the host's handler for its kind", async () => {
    const asked: unknown[] = [];
    const { pool, logs } = start({
      onRequest: {
        source: () => Promise.reject(new Error("unused")),
        cacheClaim: () => Promise.reject(new Error("unused")),
        cacheSettle: () => Promise.reject(new Error("unused")),
        pollFailed: (sid, args) => (asked.push([sid, args]), Promise.resolve(true)),
      },
    });
    await pool.handles[0]!.ready;
    click(pool, pool.handles[0]!, "ask", 1);
    await until("the reply", () => logs.some((line) => line.startsWith("reply")));
    expect(asked).toEqual([["s", { key: "k", error: "e" }]]);
    expect(logs).toContain(`reply ${JSON.stringify({ t: "reply", id: 7, value: true })}`);
  });

  it("loads the app in every worker, and a fresh worker loads it by itself (its error goes to loadFailed)", async () => {
    const { pool, replaced, loadFailed } = start({ scriptTimeout: 2000 });
    await expect(pool.load([], "main")).resolves.toBeNull();
    await expect(pool.load([], "broken")).resolves.toEqual({ name: "SyntaxError", message: "broken" });
    click(pool, pool.handles[0]!, "freeze", 1);
    await until("the replacement", () => replaced.length === 1);
    await until("the fresh worker's load", () => loadFailed.length === 1);
    expect(loadFailed[0]).toEqual({ name: "SyntaxError", message: "broken" });
  });

  it("tells the viewer why their script was stopped", () => {
    expect(stoppedError("timeout", 10_000)).toEqual({
      name: "ScriptTimeout",
      message: "The script ran longer than 10 s without yielding and was stopped. The page shows its last good output; change an input to run it again.",
    });
    expect(stoppedError("timeout", 2_540).message).toMatch(/longer than 2.5 s/);
    expect(stoppedError("memory", 10_000, 512)).toEqual({
      name: "OutOfMemory",
      message:
        "The script used more than the 512 MB of memory a script may use and was stopped (the limit is set with --worker-memory). The page shows its last good output; change an input to run it again.",
    });
    expect(stoppedError("memory", 10_000).message).toMatch(/2048 MB/);
  });
});
