/**
 * A graceful drain (SIGTERM on `dash serve`): the replica stops taking viewers and hands the ones
 * it has to the others, losing nothing they entered.
 *
 * 1. `/healthz` answers 503 at once (the load balancer stops sending new viewers), new
 *    WebSocket upgrades get 503;
 * 2. every session's latest snapshot is in the store (with Redis, written there);
 * 3. every socket is closed with 1012 ("service restart"): the browsers reconnect at once, with
 *    a little jitter, through the balancer to another replica, which takes their sessions over;
 * 4. snapshots of runs that finished meanwhile are written, and the process may exit.
 * All of it within `timeout`; what is not done by then is left (the caller exits anyway).
 */
import type { SnapshotStore } from "./snapshots.ts";
import { metrics } from "../metrics.ts";

export interface DrainTarget {
  beginDrain(): void;
  closeSockets(code: number, reason: string): void;
  snapshots: SnapshotStore;
}

/** Resolves when the sockets are closed and the snapshots written, or when `timeout` (ms) is up. */
export async function drain(target: DrainTarget, timeout: number, log: (line: string) => void): Promise<void> {
  const started = performance.now();
  metrics.drains.inc();
  target.beginDrain();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), Math.max(0, timeout - 250)); // leave time to close
  });
  const written = (): Promise<unknown> => Promise.race([target.snapshots.flush(), deadline]);
  try {
    const first = await written();
    target.closeSockets(1012, "server restarting");
    const last = first === "late" ? "late" : await written();
    const ms = Math.round(performance.now() - started);
    log(last === "late" ? `dash: drain timed out after ${ms} ms; some sessions may resume without their latest state` : `dash: drained in ${ms} ms`);
  } finally {
    clearTimeout(timer);
  }
}
