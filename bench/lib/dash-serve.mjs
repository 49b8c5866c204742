// `npx dash serve` as a user runs it (the built CLI, production mode), in a process of its own,
// on 127.0.0.1 and a free port: for the benches and tests that watch whether it survives (its
// exit code), what memory it holds (its resident set, read from /proc) and how it stops.
// The one way the repository starts a served app in a child process (test/support/dash-serve.ts
// passes the e2e suite's snapshot of the CLI as `bin`).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { root } from "./stats.mjs";

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function serveDash(entry, args = [], env = {}, { bin = path.join(root, "packages/cli/dist/bin.js"), node = [] } = {}) {
  const child = spawn(process.execPath, [...node, bin, "serve", path.resolve(root, entry), "--port", "0", "--host", "127.0.0.1", ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += String(chunk)));
  let code = null;
  const exited = new Promise((resolve) => child.once("exit", (exitCode, signal) => resolve((code = exitCode ?? (signal ? 128 : 0)))));
  const url = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += String(chunk);
      const found = /➜\s+(http:\/\/\S+)/.exec(out);
      if (found) resolve(found[1]);
    });
    void exited.then(() => reject(new Error(`dash serve exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    pid: child.pid,
    exitCode: () => code,
    stderr: () => stderr,
    /** Resident memory of the server process (main thread and script workers), MB. */
    rssMb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? 0) / 1024,
    /** CPU time the server process has used so far (all its threads, user + system), seconds. */
    cpuSeconds: () => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ");
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    async stop() {
      if (code === null) child.kill("SIGTERM");
      await exited;
    },
    async kill(signal) {
      const started = performance.now();
      if (code === null) child.kill(signal);
      await exited;
      return { code: code ?? 0, ms: performance.now() - started };
    },
  };
}
