/**
 * Rewrites BigQuery standard SQL into DuckDB SQL for the local BigQuery server: backticked
 * `` `project.dataset.table` `` and `` `dataset.table` `` become `"dataset"."table"`, and named
 * parameters `@name` become `CAST($name AS <type>)` so values can be bound as text. String
 * literals and comments are left alone. Only portable SQL runs the same in both dialects.
 * Also: the SQL that loads seed rows, query parameters as text, and DuckDB's errors in BigQuery's
 * words (`at [line:col]`).
 */
import type { SeedTable } from "./bigquery-server.ts";

/** The DuckDB type a BigQuery parameter type casts to. */
export function duckType(type: BigQueryParameterType): string {
  if (type.type === "ARRAY" && type.arrayType) return `${duckType(type.arrayType)}[]`;
  const scalar: Record<string, string> = {
    INT64: "BIGINT",
    INTEGER: "BIGINT",
    FLOAT64: "DOUBLE",
    FLOAT: "DOUBLE",
    NUMERIC: "DECIMAL(38,9)",
    BIGNUMERIC: "DECIMAL(38,9)",
    BOOL: "BOOLEAN",
    BOOLEAN: "BOOLEAN",
    STRING: "VARCHAR",
    DATE: "DATE",
    DATETIME: "TIMESTAMP",
    TIMESTAMP: "TIMESTAMPTZ",
    TIME: "TIME",
    JSON: "JSON",
  };
  const mapped = scalar[type.type];
  if (mapped === undefined) throw new Error(`Unsupported parameter type ${type.type}`);
  return mapped;
}

export interface BigQueryParameterType {
  type: string;
  arrayType?: BigQueryParameterType;
}

/** Rewrites `sql`; `types` gives each named parameter's BigQuery type. */
export function rewriteSql(sql: string, types: ReadonlyMap<string, BigQueryParameterType>): string {
  let out = "";
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const rest = sql.slice(i);
    const literal = /^('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|--[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\/)/.exec(rest);
    if (literal) {
      const text = literal[0];
      // BigQuery allows "double-quoted strings"; DuckDB reads them as identifiers.
      out += text.startsWith('"') ? `'${text.slice(1, -1).replace(/'/g, "''")}'` : text.startsWith("#") ? `--${text.slice(1)}` : text;
      i += text.length;
      continue;
    }
    if (c === "`") {
      const end = sql.indexOf("`", i + 1);
      if (end < 0) throw new Error(`Unclosed identifier quote at [${position(sql, i)}]`);
      const parts = sql.slice(i + 1, end).split(".");
      const tail = parts.length >= 2 ? parts.slice(-2) : parts;
      out += tail.map((p) => `"${p.replace(/"/g, '""')}"`).join(".");
      i = end + 1;
      continue;
    }
    const param = /^@([A-Za-z_]\w*)/.exec(rest);
    if (param) {
      const name = param[1]!;
      const type = types.get(name);
      if (type === undefined) throw new Error(`Query parameter '${name}' not found at [${position(sql, i)}]`);
      out += `CAST($${name} AS ${duckType(type)})`;
      i += param[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** `line:column` (1-based) of offset `at`. */
export function position(sql: string, at: number): string {
  const before = sql.slice(0, at).split("\n");
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

export interface QueryParameter {
  name?: string;
  parameterType: BigQueryParameterType;
  parameterValue: {
    value?: string | null;
    arrayValues?: Array<{ value?: string | null }>;
  };
}

/** A request BigQuery would refuse: its message, its `reason` and HTTP status. */
export class BadRequest extends Error {
  constructor(
    message: string,
    readonly reason: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** A parameter's value as text for `CAST($name AS type)`; arrays as DuckDB list literals. */
export function parameterText(type: BigQueryParameterType, value: QueryParameter["parameterValue"]): string | null {
  if (type.type === "ARRAY") {
    const items = (value.arrayValues ?? []).map((item) =>
      item.value === null || item.value === undefined ? "NULL" : `'${String(item.value).replace(/'/g, "''")}'`,
    );
    return `[${items.join(", ")}]`;
  }
  return value.value ?? null;
}

/** Turns a DuckDB error into BigQuery's: the message with the position, as `at [line:col]`. */
export function queryError(error: unknown, sql: string): BadRequest {
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

export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A `SELECT` producing the seed rows (typed literals, so DuckDB infers the right column types). */
export function selectOf(rows: SeedTable): string {
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
