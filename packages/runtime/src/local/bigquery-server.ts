/**
 * A local BigQuery REST server backed by DuckDB, so `@google-cloud/bigquery` runs real SQL
 * without Google: `jobs.query` (`POST /projects/P/queries`), `getQueryResults`
 * (`GET /projects/P/queries/JOB`, paged with `pageToken`), `jobs.insert` and `jobs.get`,
 * `tables.get` (with `lastModifiedTime`), and errors in BigQuery's JSON shape (bad SQL is a 400
 * whose message ends with the position, e.g. `at [1:10]`).
 *
 * Values go out in BigQuery's wire shape: every cell a string, TIMESTAMP as int64 microseconds,
 * REPEATED as `[{v}]`, RECORD as `{f: [...]}`. DuckDB's TIMESTAMP and TIMESTAMPTZ both report as
 * TIMESTAMP; integers of every width as INT64; DECIMAL as NUMERIC.
 *
 * DuckDB (`@duckdb/node-api`) is imported when the server starts, so this module loads without it.
 *
 * @example
 * const bq = await startBigQueryServer({ seed: { shop: { orders: [{ id: 1, total: 9.5 }] } } });
 * const client = new BigQuery({ apiEndpoint: bq.url.replace(/\/bigquery\/v2$/, ""), projectId: "local", authClient: new PassThroughClient() });
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { DuckDBType, DuckDBValue } from "@duckdb/node-api";
import { position, rewriteSql, type BigQueryParameterType } from "./bigquery-sql.ts";
import { listen, readBody, sendError, sendJson, shutdown } from "./http.ts";

/** Rows of JS values, or a CSV file DuckDB reads. */
export type SeedTable = Record<string, unknown>[] | { csv: string };

export interface BigQueryServerOptions {
  port?: number;
  host?: string;
  seed?: Record<string, Record<string, SeedTable>>;
  /** Rows per page when the client gives no `maxResults`. Default 10,000. */
  pageSize?: number;
}

export interface BigQueryServer {
  /** Base URL ending in `/bigquery/v2` (what `BIGQUERY_EMULATOR_HOST` takes). */
  url: string;
  /** Base URL without the path (what the client's `apiEndpoint` option takes). */
  apiEndpoint: string;
  port: number;
  /** Every request received (`path` includes the query string). */
  requests: Array<{ method: string; path: string }>;
  /** Replaces a table's rows and bumps its lastModifiedTime. */
  setTable(dataset: string, table: string, rows: SeedTable): Promise<void>;
  close(): Promise<void>;
}

interface Field {
  name: string;
  type: string;
  mode: "NULLABLE" | "REPEATED";
  fields?: Field[];
}
type Cell = { v: Wire };
type Wire = string | null | Cell[] | { f: Cell[] };

interface Job {
  id: string;
  projectId: string;
  schema: { fields: Field[] };
  rows: Array<{ f: Cell[] }>;
  query: string;
  created: number;
}

interface TableInfo {
  created: number;
  modified: number;
}

/** Starts the server (and an in-memory DuckDB). Rejects with a clear message when DuckDB is not installed. */
export async function startBigQueryServer(options: BigQueryServerOptions = {}): Promise<BigQueryServer> {
  let duckdb: typeof import("@duckdb/node-api");
  try {
    duckdb = await import("@duckdb/node-api");
  } catch (error) {
    throw new Error(
      `The local BigQuery server needs @duckdb/node-api: npm install -D @duckdb/node-api (${error instanceof Error ? error.message : String(error)})`,
      { cause: error },
    );
  }
  const instance = await duckdb.DuckDBInstance.create(":memory:");
  const db = await instance.connect();
  await db.run("SET TimeZone = 'UTC'").catch(() => undefined);
  const host = options.host ?? "127.0.0.1";
  const pageSize = options.pageSize ?? 10_000;
  const tables = new Map<string, TableInfo>();
  const jobs = new Map<string, Job>();
  const requests: Array<{ method: string; path: string }> = [];
  let queue: Promise<unknown> = Promise.resolve();
  /** DuckDB connections run one statement at a time: queue them. */
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };

  const setTable = (dataset: string, table: string, rows: SeedTable): Promise<void> =>
    serial(async () => {
      await db.run(`CREATE SCHEMA IF NOT EXISTS ${ident(dataset)}`);
      const name = `${ident(dataset)}.${ident(table)}`;
      await db.run(`CREATE OR REPLACE TABLE ${name} AS ${selectOf(rows)}`);
      const key = `${dataset}.${table}`;
      const now = Math.max(Date.now(), (tables.get(key)?.modified ?? 0) + 1);
      tables.set(key, {
        created: tables.get(key)?.created ?? now,
        modified: now,
      });
    });

  for (const [dataset, entries] of Object.entries(options.seed ?? {})) {
    for (const [table, rows] of Object.entries(entries)) await setTable(dataset, table, rows);
  }

  const runQuery = async (projectId: string, body: QueryBody): Promise<Job> => {
    const sql = body.query ?? "";
    if (body.useLegacySql === true) throw new BadRequest("Legacy SQL is not supported by the local BigQuery server", "invalid");
    const types = new Map<string, BigQueryParameterType>();
    const values: Record<string, DuckDBValue> = {};
    for (const p of body.queryParameters ?? []) {
      if (!p.name) throw new BadRequest("Positional parameters are not supported; use @name", "invalid");
      types.set(p.name, p.parameterType);
      values[p.name] = parameterText(p.parameterType, p.parameterValue);
    }
    let rewritten: string;
    try {
      rewritten = rewriteSql(sql, types);
    } catch (error) {
      throw new BadRequest(error instanceof Error ? error.message : String(error), "invalidQuery");
    }
    const reader = await serial(() => db.runAndReadAll(rewritten, values)).catch((error: unknown) => {
      throw queryError(error, sql);
    });
    const names = reader.columnNames();
    const columnTypes = reader.columnTypes();
    const fields = names.map((name, i) => fieldOf(name || `f${i}_`, columnTypes[i]!));
    const rows = reader.getRows().map((row) => ({
      f: row.map((value, i) => ({ v: wire(value, fields[i]!) })),
    }));
    const job: Job = {
      id: body.jobReference?.jobId ?? `job_${randomUUID().replace(/-/g, "")}`,
      projectId,
      schema: { fields },
      rows,
      query: sql,
      created: Date.now(),
    };
    jobs.set(job.id, job);
    return job;
  };

  const page = (job: Job, pageToken: string | null, maxResults: string | number | null | undefined) => {
    const start = Number(pageToken ?? 0);
    const size = maxResults === null || maxResults === undefined ? pageSize : Math.max(1, Number(maxResults));
    const rows = job.rows.slice(start, start + size);
    return {
      kind: "bigquery#getQueryResultsResponse",
      jobReference: { projectId: job.projectId, jobId: job.id, location: "US" },
      jobComplete: true,
      schema: job.schema,
      totalRows: String(job.rows.length),
      ...(rows.length ? { rows } : {}),
      ...(start + size < job.rows.length ? { pageToken: String(start + size) } : {}),
      totalBytesProcessed: "0",
      cacheHit: false,
    };
  };

  const jobResource = (job: Job) => ({
    kind: "bigquery#job",
    id: `${job.projectId}:US.${job.id}`,
    jobReference: { projectId: job.projectId, jobId: job.id, location: "US" },
    configuration: {
      query: { query: job.query, useLegacySql: false },
      jobType: "QUERY",
    },
    status: { state: "DONE" },
    statistics: {
      creationTime: String(job.created),
      startTime: String(job.created),
      endTime: String(job.created),
      query: { totalBytesProcessed: "0" },
    },
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://local");
    const method = req.method ?? "GET";
    requests.push({ method, path: `${url.pathname}${url.search}` });
    const q = url.searchParams;
    const parts = url.pathname
      .replace(/^\/bigquery\/v2/, "")
      .split("/")
      .filter(Boolean)
      .map(decodeURIComponent);
    if (parts[0] !== "projects" || parts[1] === undefined) return sendError(res, 404, `Not found: ${url.pathname}`, "notFound");
    const projectId = parts[1];
    const [, , collection, id, sub, subId] = parts;
    try {
      if (collection === "queries" && id === undefined && method === "POST") {
        const body = JSON.parse((await readBody(req)).toString() || "{}") as QueryBody;
        const job = await runQuery(projectId, body);
        return sendJson(res, 200, {
          ...page(job, null, body.maxResults),
          kind: "bigquery#queryResponse",
        });
      }
      if (collection === "queries" && id !== undefined && method === "GET") {
        const job = jobs.get(id);
        if (job === undefined) return sendError(res, 404, `Not found: Job ${projectId}:US.${id}`, "notFound");
        return sendJson(res, 200, page(job, q.get("pageToken"), q.get("maxResults")));
      }
      if (collection === "jobs" && id === undefined && method === "POST") {
        const body = JSON.parse((await readBody(req)).toString() || "{}") as {
          configuration?: { query?: QueryBody; dryRun?: boolean };
          jobReference?: { jobId?: string };
        };
        const query = body.configuration?.query;
        if (query === undefined) return sendError(res, 400, "Only query jobs are supported by the local BigQuery server", "invalid");
        const job = await runQuery(projectId, {
          ...query,
          jobReference: body.jobReference,
        });
        return sendJson(res, 200, jobResource(job));
      }
      if (collection === "jobs" && id !== undefined && method === "GET") {
        const job = jobs.get(id);
        if (job === undefined) return sendError(res, 404, `Not found: Job ${projectId}:US.${id}`, "notFound");
        return sendJson(res, 200, jobResource(job));
      }
      if (collection === "datasets" && id !== undefined && sub === "tables" && subId !== undefined && method === "GET") {
        const info = tables.get(`${id}.${subId}`);
        if (info === undefined) return sendError(res, 404, `Not found: Table ${projectId}:${id}.${subId}`, "notFound");
        const described = await serial(() => db.runAndReadAll(`SELECT * FROM ${ident(id)}.${ident(subId)} LIMIT 0`));
        const count = await serial(() => db.runAndReadAll(`SELECT count(*) FROM ${ident(id)}.${ident(subId)}`));
        const fields = described.columnNames().map((name, i) => fieldOf(name, described.columnTypes()[i]!));
        return sendJson(res, 200, {
          kind: "bigquery#table",
          id: `${projectId}:${id}.${subId}`,
          tableReference: { projectId, datasetId: id, tableId: subId },
          type: "TABLE",
          schema: { fields },
          numRows: String(count.getRows()[0]?.[0] ?? 0),
          numBytes: "0",
          creationTime: String(info.created),
          lastModifiedTime: String(info.modified),
          etag: `"${info.modified}"`,
          location: "US",
        });
      }
      return sendError(res, 404, `Not found: ${method} ${url.pathname}`, "notFound");
    } catch (error) {
      if (error instanceof BadRequest) return sendError(res, error.status, error.message, error.reason);
      throw error;
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, error instanceof Error ? error.message : String(error), "backendError");
      else res.destroy();
    });
  });
  const port = await listen(server, options.port ?? 0, host);
  const apiEndpoint = `http://${host}:${port}`;
  return {
    url: `${apiEndpoint}/bigquery/v2`,
    apiEndpoint,
    port,
    requests,
    setTable,
    async close() {
      await shutdown(server);
      db.closeSync();
      instance.closeSync();
    },
  };

  /** The BigQuery field of a DuckDB column type. */
  function fieldOf(name: string, type: DuckDBType): Field {
    const ids = duckdb.DuckDBTypeId;
    switch (type.typeId) {
      case ids.LIST:
      case ids.ARRAY: {
        const inner = fieldOf(name, type.valueType);
        return { ...inner, mode: "REPEATED" };
      }
      case ids.STRUCT:
        return {
          name,
          type: "RECORD",
          mode: "NULLABLE",
          fields: type.entryNames.map((n, i) => fieldOf(n, type.entryTypes[i]!)),
        };
      case ids.BOOLEAN:
        return { name, type: "BOOLEAN", mode: "NULLABLE" };
      case ids.TINYINT:
      case ids.SMALLINT:
      case ids.INTEGER:
      case ids.BIGINT:
      case ids.UTINYINT:
      case ids.USMALLINT:
      case ids.UINTEGER:
      case ids.UBIGINT:
      case ids.HUGEINT:
      case ids.UHUGEINT:
      case ids.SQLNULL:
      case ids.INTEGER_LITERAL:
        return { name, type: "INTEGER", mode: "NULLABLE" };
      case ids.FLOAT:
      case ids.DOUBLE:
        return { name, type: "FLOAT", mode: "NULLABLE" };
      case ids.DECIMAL:
        return { name, type: "NUMERIC", mode: "NULLABLE" };
      case ids.DATE:
        return { name, type: "DATE", mode: "NULLABLE" };
      case ids.TIME:
        return { name, type: "TIME", mode: "NULLABLE" };
      case ids.TIMESTAMP:
      case ids.TIMESTAMP_TZ:
      case ids.TIMESTAMP_S:
      case ids.TIMESTAMP_MS:
      case ids.TIMESTAMP_NS:
        return { name, type: "TIMESTAMP", mode: "NULLABLE" };
      case ids.BLOB:
        return { name, type: "BYTES", mode: "NULLABLE" };
      default:
        return {
          name,
          type: type.alias === "JSON" ? "JSON" : "STRING",
          mode: "NULLABLE",
        };
    }
  }
}

interface QueryParameter {
  name?: string;
  parameterType: BigQueryParameterType;
  parameterValue: {
    value?: string | null;
    arrayValues?: Array<{ value?: string | null }>;
  };
}

interface QueryBody {
  query?: string;
  useLegacySql?: boolean;
  maxResults?: number;
  queryParameters?: QueryParameter[];
  jobReference?: { jobId?: string };
}

class BadRequest extends Error {
  constructor(
    message: string,
    readonly reason: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** A parameter's value as text for `CAST($name AS type)`; arrays as DuckDB list literals. */
function parameterText(type: BigQueryParameterType, value: QueryParameter["parameterValue"]): string | null {
  if (type.type === "ARRAY") {
    const items = (value.arrayValues ?? []).map((item) =>
      item.value === null || item.value === undefined ? "NULL" : `'${String(item.value).replace(/'/g, "''")}'`,
    );
    return `[${items.join(", ")}]`;
  }
  return value.value ?? null;
}

/** Turns a DuckDB error into BigQuery's: the message with the position, as `at [line:col]`. */
function queryError(error: unknown, sql: string): BadRequest {
  const text = error instanceof Error ? error.message : String(error);
  const body = text.replace(/^Failed to extract statements: /, "");
  const first = body.split("\n")[0]!.replace(/^(Parser|Binder|Catalog|Conversion|Invalid Input) Error: /, "");
  const kind = /^Parser Error/.test(body) ? "Syntax error: " : "";
  const lineMatch = /LINE (\d+): (.*)\n(\s*)\^/.exec(text);
  let where = "";
  if (lineMatch) {
    const prefix = `LINE ${lineMatch[1]}: `;
    const column = lineMatch[3]!.length - prefix.length + 1;
    where = ` at [${lineMatch[1]}:${Math.max(1, column)}]`;
  } else {
    const near = /at or near "([^"]+)"/.exec(first);
    const at = near ? sql.indexOf(near[1]!) : -1;
    if (at >= 0) where = ` at [${position(sql, at)}]`;
  }
  const notFound = /^Catalog Error/.test(body);
  return new BadRequest(`${kind}${first}${where}`, notFound ? "notFound" : "invalidQuery", notFound ? 404 : 400);
}

/** A DuckDB value in BigQuery's wire shape for `field`. */
function wire(value: DuckDBValue, field: Field): Wire {
  if (value === null || value === undefined) return field.mode === "REPEATED" ? [] : null;
  if (field.mode === "REPEATED") {
    const items = (value as { items?: readonly DuckDBValue[] }).items ?? [];
    const inner: Field = { ...field, mode: "NULLABLE" };
    return items.map((item) => ({ v: wire(item, inner) }));
  }
  if (field.type === "RECORD") {
    const entries = (value as { entries?: Readonly<Record<string, DuckDBValue>> }).entries ?? {};
    return {
      f: (field.fields ?? []).map((sub) => ({
        v: wire(entries[sub.name] ?? null, sub),
      })),
    };
  }
  if (field.type === "TIMESTAMP") {
    const v = value as {
      micros?: bigint;
      millis?: bigint;
      seconds?: bigint;
      nanos?: bigint;
    };
    const micros =
      v.micros ?? (v.millis !== undefined ? v.millis * 1000n : v.seconds !== undefined ? v.seconds * 1_000_000n : v.nanos !== undefined ? v.nanos / 1000n : 0n);
    return micros.toString();
  }
  if (field.type === "BYTES") return Buffer.from((value as { bytes: Uint8Array }).bytes).toString("base64");
  if (field.type === "FLOAT") {
    const n = Number(value);
    return Number.isNaN(n) ? "NaN" : n === Infinity ? "Infinity" : n === -Infinity ? "-Infinity" : String(n);
  }
  return String(value);
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A `SELECT` producing the seed rows (typed literals, so DuckDB infers the right column types). */
function selectOf(rows: SeedTable): string {
  if (!Array.isArray(rows)) return `SELECT * FROM read_csv_auto(${literal(rows.csv)})`;
  if (rows.length === 0) throw new Error("A seed table needs at least one row (its columns come from the rows)");
  const names = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const values = rows.map((row) => `(${names.map((n) => literal(row[n] ?? null)).join(", ")})`);
  return `SELECT * FROM (VALUES ${values.join(", ")}) AS t(${names.map(ident).join(", ")})`;
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "bigint") return `${value}::BIGINT`;
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "'NaN'::DOUBLE";
    if (!Number.isFinite(value)) return `'${value > 0 ? "" : "-"}Infinity'::DOUBLE`;
    return Number.isInteger(value) ? `${value}::BIGINT` : `${value}::DOUBLE`;
  }
  if (typeof value === "string") return `'${value.replace(/'/g, "''")}'`;
  if (value instanceof Date) return `'${value.toISOString()}'::TIMESTAMPTZ`;
  if (value instanceof Uint8Array) return `from_base64('${Buffer.from(value).toString("base64")}')`;
  if (Array.isArray(value)) return `[${value.map(literal).join(", ")}]`;
  if (typeof value === "object") {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${literal(k)}: ${literal(v)}`)
      .join(", ")}}`;
  }
  return literal(String(value));
}
