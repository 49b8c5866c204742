// Runs `dash run <app>` (with this process's extra arguments) next to the local servers an example
// started, and stops those servers when dash exits or this process is interrupted.
import { spawn } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

/**
 * @param {string} app the example's script, relative to the repository
 * @param {NodeJS.ProcessEnv} env the environment for dash (pointing at the local servers)
 * @param {() => unknown} cleanup stops what the example started (may return a promise)
 */
export function runDash(app, env, cleanup) {
  const args = [path.join(root, "packages/cli/bin/dash.js"), "run", path.join(root, app), ...process.argv.slice(2)];
  const dash = spawn(process.execPath, args, { env, stdio: "inherit" });
  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    if (dash.exitCode === null) dash.kill("SIGTERM");
    await cleanup();
    process.exit(code);
  };
  dash.on("exit", (code) => void stop(code ?? 0));
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
}
