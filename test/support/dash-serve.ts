/**
 * `npx dash serve` in a process of its own, for tests that must see whether the server survives
 * (its exit code) and how much memory it holds (its RSS): started on 127.0.0.1, port 0, with the
 * flags and environment a test gives, and stopped by the test. It runs the e2e suite's snapshot
 * of the built CLI through the benches' starter (bench/lib/dash-serve.mjs).
 */
import path from "node:path";
import { serveDash, type ServedApp } from "../../bench/lib/dash-serve.mjs";
import { snapshotDist } from "../e2e/harness.ts";

export type { ServedApp };

export async function serve(entry: string, args: string[] = [], env: Record<string, string> = {}): Promise<ServedApp> {
  return serveDash(entry, args, env, { bin: path.join(await snapshotDist(), "bin.js") });
}
