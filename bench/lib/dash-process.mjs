// A dash server in a process of its own (`serve.mjs`, as `dash run` would be: not sharing its
// event loop with the benchmark's driver). BENCH_SERVER_FLAGS passes Node flags to it, e.g.
// BENCH_SERVER_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server.
import { spawn } from "node:child_process";
import path from "node:path";
import { root } from "./stats.mjs";

/** Start `entry` (a path from the repository's root) with `env` added; resolves once it listens. */
export async function startDash(entry, env = {}) {
  const flags = process.env.BENCH_SERVER_FLAGS?.split(" ").filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...flags, path.join(root, "bench/lib/serve.mjs"), path.resolve(root, entry)], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise((resolve, reject) => {
    child.stdout.once("data", (chunk) => resolve(String(chunk).trim()));
    child.once("exit", (code) => reject(new Error(`the dash server exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid,
    /** Stop the server; resolves when its process has exited. */
    stop() {
      child.kill("SIGTERM");
      return new Promise((resolve) => child.once("exit", resolve));
    },
  };
}
