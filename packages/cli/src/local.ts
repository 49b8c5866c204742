/**
 * The project's local Cloud Storage and BigQuery servers, bundled as `dist/local.js` so offline
 * examples and benchmarks (plain `.mjs`) can start them. The real client libraries talk to them
 * unchanged: point `STORAGE_EMULATOR_HOST` at `startGcsServer().url`, `BIGQUERY_EMULATOR_HOST`
 * at `startBigQueryServer().url`.
 */
export { startGcsServer, type GcsServer, type GcsServerOptions } from "@dash/runtime/local/gcs-server.ts";
export { startBigQueryServer, type BigQueryServer, type BigQueryServerOptions, type SeedTable } from "@dash/runtime/local/bigquery-server.ts";
