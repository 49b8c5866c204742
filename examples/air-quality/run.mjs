// One command for the air-quality example. Run from the repository root:
//
//   npm run example:air-quality          (then open http://127.0.0.1:8501)
//
// Offline (the default): starts the local BigQuery server (DuckDB) seeded with the sample data
// as rows of the public tables, points the app at it with BIGQUERY_EMULATOR_HOST, and runs
// `dash run` on the app. With GOOGLE_CLOUD_PROJECT set (and no BIGQUERY_EMULATOR_HOST), no local
// server starts: the queries go to bigquery-public-data with standard Google credentials, billed
// to that project. Extra arguments go to `dash run` (e.g. --port 8502).
import { runDash } from "../lib/run-dash.mjs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
const env = { ...process.env };

let server = null;
if (env.GOOGLE_CLOUD_PROJECT && !env.BIGQUERY_EMULATOR_HOST) {
  console.log(`BigQuery: ${env.AIR_QUALITY_PROJECT ?? "bigquery-public-data"} tables, queries billed to project ${env.GOOGLE_CLOUD_PROJECT}`);
} else if (!env.BIGQUERY_EMULATOR_HOST) {
  const started = Date.now();
  const [{ startBigQueryServer }, { seedTables }] = await Promise.all([import(path.join(root, "packages/cli/dist/local.js")), import("./sample.mjs")]);
  server = await startBigQueryServer({ port: Number(env.BIGQUERY_PORT ?? 0), seed: seedTables() });
  env.BIGQUERY_EMULATOR_HOST = server.url;
  env.GOOGLE_CLOUD_PROJECT = "local";
  console.log(`local BigQuery server at ${server.url}, seeded with the sample data in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
// Never probe Google's metadata server for credentials when talking to a local server.
if (env.BIGQUERY_EMULATOR_HOST) env.METADATA_SERVER_DETECTION ??= "none";

runDash("examples/air-quality/app.ts", env, () => server?.close());
