// A dash server in its own process for the benchmarks (as `dash run` would be: not sharing its
// event loop with the benchmark's browser driver): prints its URL, then serves.
import path from "node:path";
import { root } from "./stats.mjs";

const { startApp } = await import(path.join(root, "packages/cli/dist/app-entry.js"));
const scriptTimeout = Number(process.env.DASH_SCRIPT_TIMEOUT) || undefined;
const workers = Number(process.env.DASH_WORKERS) || undefined;
const app = await startApp({
  entry: process.argv[2],
  port: 0,
  log: () => {},
  sessionTtl: 3_600_000,
  ...(scriptTimeout ? { scriptTimeout } : {}),
  ...(workers ? { workers } : {}),
});
process.stdout.write(`${app.url}\n`);
process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
