// One command for the live-hashtags example, offline: a local Cloud Storage server, the window
// generator writing to it, and `dash run` on the app. Run from the repository root:
//
//   npm run example:hashtags            (then open http://127.0.0.1:8501)
//
// With HASHTAGS_BUCKET set and no STORAGE_EMULATOR_HOST, it uses that real bucket (standard
// Google credentials) instead, and writes windows there unless HASHTAGS_GENERATE=0.
import { runDash } from "../lib/run-dash.mjs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
const env = process.env;
const offline = !env.HASHTAGS_BUCKET || Boolean(env.STORAGE_EMULATOR_HOST);
env.HASHTAGS_BUCKET ??= "dash-hashtags";
env.HASHTAGS_EVERY ??= "5s";
const windowMs = Number(env.HASHTAGS_WINDOW_MS ?? 5000);

let server = null;
if (offline && !env.STORAGE_EMULATOR_HOST) {
  const { startGcsServer } = await import(path.join(root, "packages/cli/dist/local.js"));
  server = await startGcsServer({ port: Number(env.GCS_PORT ?? 0) });
  // Both the generator (in this process) and dash (a child) read it.
  env.STORAGE_EMULATOR_HOST = server.url;
  console.log(`local Cloud Storage server at ${server.url}`);
}

let generator = null;
if (env.HASHTAGS_GENERATE !== "0") {
  const { startGenerator } = await import("./generator.mjs");
  generator = await startGenerator({
    bucket: env.HASHTAGS_BUCKET,
    prefix: env.HASHTAGS_PREFIX ?? "windows/",
    every: windowMs,
    backfill: Number(env.HASHTAGS_BACKFILL ?? 12),
    log: env.HASHTAGS_QUIET ? () => {} : (line) => console.log(line),
  });
}

runDash("examples/live-hashtags/app.ts", env, async () => {
  generator?.stop();
  await server?.close();
});
