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
import type { DuckDBValue } from "@duckdb/node-api";
import { BadRequest, ident, parameterText, queryError, rewriteSql, selectOf, type BigQueryParameterType, type QueryParameter } from "./bigquery-sql.ts";
import { fieldOf, wire, type Cell, type Field } from "./bigquery-wire.ts";
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
    const fields = names.map((name, i) => fieldOf(duckdb.DuckDBTypeId, name || `f${i}_`, columnTypes[i]!));
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
        const fields = described.columnNames().map((name, i) => fieldOf(duckdb.DuckDBTypeId, name, described.columnTypes()[i]!));
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
}

interface QueryBody {
  query?: string;
  useLegacySql?: boolean;
  maxResults?: number;
  queryParameters?: QueryParameter[];
  jobReference?: { jobId?: string };
}
