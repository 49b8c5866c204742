/**
 * BigQuery queries as live sources.
 *
 * Before re-running a query, the connector reads the metadata of the tables the SQL names
 * (`lastModifiedTime`, row count) and skips the query when none changed, so an app polling every
 * minute costs one cheap metadata call per table per minute. SQL whose tables cannot be checked
 * that way (views, `INFORMATION_SCHEMA`, wildcard tables, or no table at all) is re-run on each
 * poll, and viewers rerun only if the result differs.
 *
 * Result columns become Arrow columns:
 *
 * | BigQuery | Arrow (what JS code sees) |
 * | --- | --- |
 * | INT64 | Float64 (a `number`) when every value of the column is within ±(2^53 − 1); otherwise Int64 (a `bigint`), so no digit is lost |
 * | FLOAT64 | Float64 |
 * | NUMERIC, BIGNUMERIC | Float64 (approximate: `CAST(x AS STRING)` in SQL keeps every digit) |
 * | BOOL | Bool |
 * | STRING, JSON, GEOGRAPHY, TIME, INTERVAL | Utf8 |
 * | BYTES | Binary |
 * | DATE | Date (days) |
 * | DATETIME | Timestamp in ms, no time zone (wall-clock time, read as UTC) |
 * | TIMESTAMP | Timestamp in ms, UTC (microseconds are truncated) |
 * | REPEATED x | List of x |
 * | RECORD / STRUCT | Struct |
 *
 * NULL stays null in every type.
 */
import { createHash } from "node:crypto";
import type { BigQuery } from "@google-cloud/bigquery";
import * as arrow from "apache-arrow";
import { codeOf, describeBigQueryCredentials, isUnreachable } from "./credentials.ts";
import type { SourceValue } from "./formats.ts";
import { messageOf, type Source } from "./source.ts";

/** A value for a named query parameter (`@name` in the SQL). */
export type ParamValue = string | number | bigint | boolean | Date | null | ParamValue[];

export interface BigQueryOptions {
  /** Named parameters. Types are inferred: whole number or bigint → INT64, other number → FLOAT64, string → STRING, boolean → BOOL, Date → TIMESTAMP, array → ARRAY of its first element's type. */
  params?: Record<string, ParamValue>;
  /** Explicit BigQuery types for parameters whose type cannot be inferred (null, empty arrays): `{ day: "DATE", ids: ["INT64"] }`. */
  types?: Record<string, string | string[]>;
  /** Fail rather than bill more than this many bytes. */
  maxBytesBilled?: number | bigint | string;
  /** Where the query runs, e.g. `"US"`, `"EU"`. */
  location?: string;
  /** Milliseconds between metadata checks. */
  every?: number;
}

/** The BigQuery type inferred for a parameter value. */
export function parameterType(name: string, value: ParamValue): string | string[] {
  if (value === null) throw new Error(`Query parameter @${name} is null: give its type in { types: { ${name}: "STRING" } }`);
  if (Array.isArray(value)) {
    if (value.length === 0) throw new Error(`Query parameter @${name} is an empty array: give its type in { types: { ${name}: ["INT64"] } }`);
    const inner = parameterType(name, value[0]!);
    if (Array.isArray(inner)) throw new Error(`Query parameter @${name}: arrays of arrays are not allowed in BigQuery`);
    return [inner];
  }
  if (value instanceof Date) return "TIMESTAMP";
  switch (typeof value) {
    case "bigint":
      return "INT64";
    case "number":
      return Number.isInteger(value) ? "INT64" : "FLOAT64";
    case "string":
      return "STRING";
    case "boolean":
      return "BOOL";
  }
  throw new Error(`Query parameter @${name} has an unsupported value ${String(value)}`);
}

/** Converts bigints (which the client cannot serialize) to decimal strings. */
function wireParam(value: ParamValue): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(wireParam);
  return value;
}

/** A table the SQL reads. */
interface TableRef {
  project: string | undefined;
  dataset: string;
  table: string;
}

/**
 * The tables a query names: `` `project.dataset.table` `` or `` `dataset.table` `` anywhere, and
 * unquoted `dataset.table` / `project.dataset.table` after FROM or JOIN. Returns `undefined` when
 * the query reads something whose changes metadata cannot show (wildcards, INFORMATION_SCHEMA).
 */
export function referencedTables(sql: string): TableRef[] | undefined {
  const code = sql.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|--[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\//g, " ");
  const names: string[] = [];
  for (const m of code.matchAll(/`([^`]+)`/g)) names.push(m[1]!);
  for (const m of code.matchAll(/\b(?:from|join)\s+([A-Za-z_][\w-]*(?:\.[A-Za-z_*][\w*]*){1,2})/gi)) names.push(m[1]!);
  const refs = new Map<string, TableRef>();
  for (const name of names) {
    if (/information_schema/i.test(name) || name.includes("*")) return undefined;
    const parts = name.split(".");
    if (parts.length === 2)
      refs.set(name, {
        project: undefined,
        dataset: parts[0]!,
        table: parts[1]!,
      });
    else if (parts.length === 3)
      refs.set(name, {
        project: parts[0],
        dataset: parts[1]!,
        table: parts[2]!,
      });
  }
  return [...refs.values()];
}

/**
 * A source for a BigQuery standard-SQL query.
 *
 * @example
 * const source = bigquerySource(new BigQuery(), "SELECT * FROM `shop.orders` WHERE state = @state", { params: { state: "CA" } });
 */
export function bigquerySource(bq: BigQuery, sql: string, options: BigQueryOptions = {}): Source<SourceValue> {
  const params: Record<string, unknown> = {};
  const types: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(options.params ?? {})) {
    types[name] = options.types?.[name] ?? parameterType(name, value);
    params[name] = wireParam(value);
  }
  const tables = referencedTables(sql);
  let checkable = tables !== undefined && tables.length > 0;
  const label = `BigQuery query ${JSON.stringify(sql.length > 80 ? `${sql.slice(0, 77)}...` : sql)}`;

  /** One string naming the state of every table the query reads, or undefined if that can't be told. */
  const tablesVersion = async (): Promise<string | undefined> => {
    if (!checkable || tables === undefined) return undefined;
    const parts: string[] = [];
    for (const ref of tables) {
      let meta: Record<string, unknown>;
      try {
        [meta] = await bq
          .dataset(ref.dataset, ref.project ? { projectId: ref.project } : {})
          .table(ref.table)
          .getMetadata();
      } catch (error) {
        // A name that is not a table (a CTE, an alias…): fall back to re-running the query.
        if (codeOf(error) === 404) {
          checkable = false;
          return undefined;
        }
        throw describeError(error, label);
      }
      if (meta.type !== undefined && meta.type !== "TABLE") {
        checkable = false; // views and external tables change without their metadata moving
        return undefined;
      }
      const streaming = (meta.streamingBuffer as { estimatedRows?: string } | undefined)?.estimatedRows ?? "";
      parts.push(`${ref.project ?? ""}.${ref.dataset}.${ref.table}@${String(meta.lastModifiedTime)}/${String(meta.numRows ?? "")}/${streaming}`);
    }
    return parts.sort().join(";");
  };

  return {
    label,
    every: options.every,
    check: tablesVersion,
    async fetch() {
      const check = await tablesVersion();
      const { schema, rows } = await runQuery(bq, sql, params, types, options).catch((error: unknown) => {
        throw describeError(error, label);
      });
      const table = toArrow(schema, rows);
      const ipc = arrow.tableToIPC(table, "stream");
      const version = createHash("sha1").update(ipc).digest("hex");
      return { value: { kind: "table", ipc }, version, check };
    },
  };
}

/** A field of a BigQuery result schema. */
export interface SchemaField {
  name: string;
  type: string;
  mode?: string;
  fields?: SchemaField[];
}
/** One cell in BigQuery's wire shape. */
export type WireCell = { v: WireValue };
export type WireValue = string | null | WireCell[] | { f: WireCell[] };
export type WireRow = { f: WireCell[] };

interface QueryResponse {
  schema?: { fields?: SchemaField[] };
  rows?: WireRow[];
  pageToken?: string;
  jobComplete?: boolean;
  jobReference?: { jobId?: string; location?: string };
}

/** Runs the query (jobs.query) and follows result pages, returning the schema and raw rows. */
async function runQuery(
  bq: BigQuery,
  sql: string,
  params: Record<string, unknown>,
  types: Record<string, string | string[]>,
  options: BigQueryOptions,
): Promise<{ schema: SchemaField[]; rows: WireRow[] }> {
  const query = {
    query: sql,
    ...(Object.keys(params).length ? { params, types } : {}),
    ...(options.location ? { location: options.location } : {}),
    ...(options.maxBytesBilled !== undefined ? { maximumBytesBilled: String(options.maxBytesBilled) } : {}),
    skipParsing: true,
  };
  const result = (await bq.query(query, {
    autoPaginate: false,
  })) as unknown as [WireRow[], unknown, QueryResponse | undefined];
  let [rows, , response] = result;
  const all: WireRow[] = [...(rows ?? [])];
  let schema = response?.schema?.fields;
  const jobId = response?.jobReference?.jobId;
  let pageToken = response?.pageToken;
  let complete = response?.jobComplete !== false;
  while ((pageToken || !complete) && jobId) {
    const job = bq.job(jobId, {
      location: response?.jobReference?.location ?? options.location,
    });
    const next = (await job.getQueryResults({
      autoPaginate: false,
      skipParsing: true,
      ...(pageToken ? { pageToken } : {}),
    } as Record<string, unknown>)) as unknown as [WireRow[], unknown, QueryResponse | undefined];
    [rows, , response] = next;
    all.push(...(rows ?? []));
    schema ??= response?.schema?.fields;
    complete = response?.jobComplete !== false;
    pageToken = response?.pageToken;
  }
  return { schema: schema ?? [], rows: all };
}

function describeError(error: unknown, label: string): Error {
  const code = codeOf(error);
  const message = messageOf(error);
  if (code === 401 || code === 403) {
    return new Error(`${label} denied: ${message}. Credentials used: ${describeBigQueryCredentials()}`, { cause: error });
  }
  if (isUnreachable(error))
    return new Error(`could not reach BigQuery for ${label}: ${message}`, {
      cause: error,
    });
  return new Error(`${label} failed: ${message}`, { cause: error });
}

// ---------------------------------------------------------------------------------------------
// Wire rows → Arrow

interface Plan {
  type: arrow.DataType;
  convert(cell: WireValue): unknown;
}

const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);

/** Converts a BigQuery result (schema + wire rows) to an Arrow table, following the mapping above. */
export function toArrow(schema: readonly SchemaField[], rows: readonly WireRow[]): arrow.Table {
  const columns: Record<string, arrow.Vector> = {};
  schema.forEach((field, i) => {
    const cells = rows.map((row) => row.f[i]?.v ?? null);
    const plan = planField(field, cells);
    columns[field.name] = arrow.vectorFromArray(
      cells.map((c) => plan.convert(c)),
      plan.type,
    );
  });
  return new arrow.Table(columns);
}

function planField(field: SchemaField, cells: readonly WireValue[]): Plan {
  if (field.mode === "REPEATED") {
    const inner = planField(
      { ...field, mode: "NULLABLE" },
      cells.flatMap((c) => (Array.isArray(c) ? c.map((x) => x.v) : [])),
    );
    return {
      type: new arrow.List(new arrow.Field("item", inner.type, true)),
      convert: (c) => (Array.isArray(c) ? c.map((x) => inner.convert(x.v)) : null),
    };
  }
  const type = field.type.toUpperCase();
  if (type === "RECORD" || type === "STRUCT") {
    const subfields = field.fields ?? [];
    const plans = subfields.map((sub, i) =>
      planField(
        sub,
        cells.map((c) => (isRecord(c) ? (c.f[i]?.v ?? null) : null)),
      ),
    );
    return {
      type: new arrow.Struct(subfields.map((sub, i) => new arrow.Field(sub.name, plans[i]!.type, true))),
      convert: (c) => {
        if (!isRecord(c)) return null;
        const out: Record<string, unknown> = {};
        subfields.forEach((sub, i) => (out[sub.name] = plans[i]!.convert(c.f[i]?.v ?? null)));
        return out;
      },
    };
  }
  const scalar = (arrowType: arrow.DataType, fn: (text: string) => unknown): Plan => ({
    type: arrowType,
    convert: (c) => (typeof c === "string" ? fn(c) : null),
  });
  switch (type) {
    case "INT64":
    case "INTEGER": {
      const safe = cells.every((c) => typeof c !== "string" || (BigInt(c) <= maxSafe && BigInt(c) >= -maxSafe));
      return safe ? scalar(new arrow.Float64(), Number) : scalar(new arrow.Int64(), BigInt);
    }
    case "FLOAT64":
    case "FLOAT":
    case "NUMERIC":
    case "BIGNUMERIC":
      return scalar(new arrow.Float64(), Number);
    case "BOOL":
    case "BOOLEAN":
      return scalar(new arrow.Bool(), (t) => t === "true");
    case "BYTES":
      return scalar(new arrow.Binary(), (t) => new Uint8Array(Buffer.from(t, "base64")));
    case "DATE":
      return scalar(new arrow.DateDay(), (t) => new Date(`${t}T00:00:00Z`));
    case "DATETIME":
      return scalar(new arrow.TimestampMillisecond(), (t) => new Date(`${t.replace(" ", "T").slice(0, 23)}Z`));
    case "TIMESTAMP":
      return scalar(new arrow.TimestampMillisecond("UTC"), (t) => new Date(/^-?\d+$/.test(t) ? Number(BigInt(t) / 1000n) : Number(t) * 1000));
    default:
      return scalar(new arrow.Utf8(), (t) => t);
  }
}

function isRecord(value: WireValue): value is { f: WireCell[] } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
