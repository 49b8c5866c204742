/** The live-data layer: shared polling, connectors, formats and the main-thread hub. */
export { parseDuration, type Duration } from "./duration.ts";
export { SharedPoller, type PollerOptions } from "./poller.ts";
export { systemClock, type Clock, type Fetched, type Source, type SourceState } from "./source.ts";
export { gcsSource, parseGcsUri, type GcsOptions } from "./gcs.ts";
export { bigquerySource, parameterType, referencedTables, toArrow, type BigQueryOptions, type ParamValue } from "./bigquery.ts";
export { fileSource, type FileOptions } from "./file.ts";
export { decode, formatFromName, rowsToTable, csvToTable, toTable, type Format, type SourceValue } from "./formats.ts";
export { SourceHub, sourceKey, defaultBigQuery, defaultStorage, type SourceHubOptions, type SourceSpec } from "./hub.ts";
