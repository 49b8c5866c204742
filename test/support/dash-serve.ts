/**
 * `npx dash serve` in a process of its own, for tests that must see whether the server survives
 * (its exit code) and how much memory it holds (its RSS): started on 127.0.0.1, port 0, with the
 * flags and environment a test gives, and stopped by the test.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { snapshotDist } from "../e2e/harness.ts";

export interface ServedApp {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** The exit code once the process has ended, null while it runs. */
  exitCode(): number | null;
  /** What the server printed on stderr so far. */
  stderr(): string;
  /** Resident memory of the server process, MB. */
  rssMb(): number;
  stop(): Promise<void>;
  /** Send a signal (SIGKILL: a crash; SIGTERM: a drain) and wait for the exit: its code and how long it took (ms). */
  kill(signal: NodeJS.Signals): Promise<{ code: number; ms: number }>;
}

export async function serve(entry: string, args: string[] = [], env: Record<string, string> = {}): Promise<ServedApp> {
  const bin = path.join(await snapshotDist(), "bin.js");
  const child = spawn(process.execPath, [bin, "serve", entry, "--port", "0", "--host", "127.0.0.1", ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += String(chunk)));
  let code: number | null = null;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (exitCode, signal) => {
      code = exitCode ?? (signal ? 128 : 0);
      resolve();
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += String(chunk);
      const found = /➜\s+(http:\/\/\S+)/.exec(out);
      if (found) resolve(found[1]!);
    });
    void exited.then(() => reject(new Error(`dash serve exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    pid: child.pid!,
    exitCode: () => code,
    stderr: () => stderr,
    rssMb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? 0) / 1024,
    async stop() {
      if (code !== null) return;
      child.kill("SIGTERM");
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
