/**
 * Turning downloaded bytes into what a script reads: an Arrow table, text, or bytes.
 *
 * Tables travel between threads (and to the browser) as Arrow IPC stream bytes, so every
 * tabular format ends as `{ kind: "table", ipc }`. Column types are inferred:
 *
 * - CSV: a column whose every non-empty cell is `true`/`false` becomes Bool; whole numbers that
 *   fit in 32 bits become Int32, other numbers Float64 (a whole number written with a leading
 *   zero, like the ZIP code `02134`, keeps the column a string); `YYYY-MM-DD` becomes a Date;
 *   `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]` (or with a space) becomes a UTC millisecond
 *   Timestamp (read as UTC when it names no zone); anything else is a string. Empty cells are null.
 * - JSON (an array of row objects) and NDJSON (one object per line): numbers as for CSV,
 *   strings stay strings, nested arrays become Lists and nested objects Structs. A column
 *   mixing kinds becomes strings.
 * - Arrow (IPC file or stream) passes through; Parquet is read with `hyparquet` (uncompressed,
 *   Snappy, and the codecs hyparquet supports without plug-ins).
 */
import * as arrow from "apache-arrow";
import { parquetReadObjects } from "hyparquet";

/** The formats a source can be read as. */
export type Format = "csv" | "json" | "ndjson" | "arrow" | "parquet" | "text" | "bytes";

export const formats: readonly Format[] = ["csv", "json", "ndjson", "arrow", "parquet", "text", "bytes"];

/** The value of a source as it crosses threads. */
export type SourceValue = { kind: "table"; ipc: Uint8Array } | { kind: "text"; text: string } | { kind: "bytes"; bytes: Uint8Array };

const extensions: Record<string, Format> = {
  csv: "csv",
  json: "json",
  ndjson: "ndjson",
  jsonl: "ndjson",
  arrow: "arrow",
  arrows: "arrow",
  feather: "arrow",
  ipc: "arrow",
  parquet: "parquet",
  pq: "parquet",
  txt: "text",
  md: "text",
  text: "text",
  html: "text",
  xml: "text",
  sql: "text",
  yaml: "text",
  yml: "text",
};

/** The format a file name implies (`.csv` → csv, `.jsonl` → ndjson …); unknown extensions read as bytes. */
export function formatFromName(name: string): Format {
  const base = name.replace(/\.(gz)$/i, "");
  const dot = base.lastIndexOf(".");
  const ext = dot < 0 ? "" : base.slice(dot + 1).toLowerCase();
  return extensions[ext] ?? "bytes";
}

/** Checks an author-given format name. */
export function maybeFormat(format: string | undefined, name: string): Format {
  if (format === undefined) return formatFromName(name);
  if ((formats as readonly string[]).includes(format)) return format as Format;
  throw new Error(`Unknown format "${format}" for ${name}: use one of ${formats.join(", ")}`);
}

/** Decodes downloaded bytes in `format`. `name` is used in error messages. */
export async function decode(bytes: Uint8Array, format: Format, name: string): Promise<SourceValue> {
  if (format === "bytes") return { kind: "bytes", bytes };
  if (format === "text") return { kind: "text", text: utf8(bytes) };
  return {
    kind: "table",
    ipc: arrow.tableToIPC(await toTable(bytes, format, name), "stream"),
  };
}

/** Parses bytes of a tabular format into an Arrow table. */
export async function toTable(bytes: Uint8Array, format: Exclude<Format, "text" | "bytes">, name: string): Promise<arrow.Table> {
  try {
    switch (format) {
      case "csv":
        return csvToTable(utf8(bytes));
      case "json": {
        const parsed: unknown = JSON.parse(utf8(bytes));
        if (!Array.isArray(parsed)) throw new Error("expected a JSON array of row objects");
        return rowsToTable(parsed.map((row, i) => asRow(row, i)));
      }
      case "ndjson": {
        const lines = utf8(bytes)
          .split(/\r?\n/)
          .filter((line) => line.trim() !== "");
        return rowsToTable(lines.map((line, i) => asRow(JSON.parse(line), i)));
      }
      case "arrow":
        return arrow.tableFromIPC(bytes);
      case "parquet": {
        const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
        const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
        return rowsToTable(rows);
      }
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not read ${name} as ${format}: ${message}`, {
      cause: error,
    });
  }
}

function utf8(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes).replace(/^\uFEFF/, "");
}

function asRow(value: unknown, index: number): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`row ${index + 1} is not an object`);
  }
  return value as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// CSV

/** Splits CSV text (RFC 4180: quoted fields, doubled quotes, CRLF) into rows of cells. */
export function parseCsv(text: string, delimiter = ","): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        cell += c;
      }
      i++;
      continue;
    }
    if (c === '"' && cell === "") quoted = true;
    else if (c === delimiter) {
      row.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      if (c === "\r" && text[i + 1] === "\n") i++;
    } else cell += c;
    i++;
  }
  if (cell !== "" || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ""));
}

const isInt = /^[-+]?\d+$/;
const isNumber = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^[-+]?(Infinity|NaN)$/;
const isBool = /^(true|false)$/i;
const isDate = /^\d{4}-\d{2}-\d{2}$/;
const isDateTime = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Parses CSV text with a header row into an Arrow table, inferring column types. */
export function csvToTable(text: string, delimiter = ","): arrow.Table {
  const [header = [], ...body] = parseCsv(text, delimiter);
  const names = uniqueNames(header);
  const columns: Record<string, arrow.Vector> = {};
  names.forEach((name, c) => {
    const cells = body.map((row) => (row[c] === undefined || row[c] === "" ? null : row[c]!));
    columns[name] = csvColumn(cells);
  });
  return new arrow.Table(columns);
}

function csvColumn(cells: (string | null)[]): arrow.Vector {
  const present = cells.filter((c): c is string => c !== null);
  if (present.length === 0) return arrow.vectorFromArray(cells, new arrow.Utf8());
  if (present.every((c) => isBool.test(c))) {
    return arrow.vectorFromArray(
      cells.map((c) => (c === null ? null : c.toLowerCase() === "true")),
      new arrow.Bool(),
    );
  }
  const leadingZero = (c: string) => /^[-+]?0\d/.test(c);
  if (present.every((c) => isNumber.test(c)) && !present.some((c) => isInt.test(c) && leadingZero(c))) {
    const values = cells.map((c) => (c === null ? null : Number(c)));
    const int32 = present.every((c) => isInt.test(c)) && values.every((v) => v === null || (v >= -(2 ** 31) && v < 2 ** 31));
    return arrow.vectorFromArray(values, int32 ? new arrow.Int32() : new arrow.Float64());
  }
  if (present.every((c) => isDate.test(c) && !Number.isNaN(Date.parse(c)))) {
    return arrow.vectorFromArray(
      cells.map((c) => (c === null ? null : new Date(`${c}T00:00:00Z`))),
      new arrow.DateDay(),
    );
  }
  if (present.every((c) => isDateTime.test(c))) {
    const dates = cells.map((c) => (c === null ? null : parseUtc(c)));
    if (dates.every((d) => d === null || !Number.isNaN(d.getTime()))) {
      return arrow.vectorFromArray(dates, new arrow.TimestampMillisecond("UTC"));
    }
  }
  return arrow.vectorFromArray(cells, new arrow.Utf8());
}

function parseUtc(text: string): Date {
  let iso = text.replace(" ", "T");
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(iso)) iso += "Z";
  return new Date(iso);
}

function uniqueNames(header: string[]): string[] {
  const seen = new Map<string, number>();
  return header.map((raw, i) => {
    const name = raw.trim() === "" ? `column${i + 1}` : raw;
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    return count === 0 ? name : `${name}_${count + 1}`;
  });
}

// ---------------------------------------------------------------------------------------------
// Rows of JS values

/** How one column's JS values become an Arrow vector. */
interface Plan {
  type: arrow.DataType;
  convert(value: unknown): unknown;
}

const identity = (value: unknown) => value;

/** Builds an Arrow table from row objects, inferring each column's type from its values. */
export function rowsToTable(rows: readonly Record<string, unknown>[]): arrow.Table {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const name of Object.keys(row)) {
      if (!seen.has(name)) {
        seen.add(name);
        names.push(name);
      }
    }
  }
  const columns: Record<string, arrow.Vector> = {};
  for (const name of names) {
    const values = rows.map((row) => row[name] ?? null);
    columns[name] = vectorOf(values);
  }
  return new arrow.Table(columns);
}

/** An Arrow vector of JS values with an inferred type. */
export function vectorOf(values: readonly unknown[]): arrow.Vector {
  const plan = planFor(values);
  return arrow.vectorFromArray(
    values.map((v) => (v === null || v === undefined ? null : plan.convert(v))),
    plan.type,
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof Uint8Array);
}

function kindOf(value: unknown): string {
  if (value instanceof Date) return "date";
  if (value instanceof Uint8Array) return "binary";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function planFor(values: readonly unknown[]): Plan {
  const present = values.filter((v) => v !== null && v !== undefined);
  const kinds = new Set(present.map(kindOf));
  if (kinds.size === 0) return { type: new arrow.Null(), convert: identity };
  if (kinds.size === 2 && kinds.has("number") && kinds.has("bigint")) {
    return { type: new arrow.Float64(), convert: (v) => Number(v) };
  }
  if (kinds.size > 1)
    return {
      type: new arrow.Utf8(),
      convert: (v) => (typeof v === "object" ? JSON.stringify(v, jsonReplacer) : String(v)),
    };
  const [kind] = kinds;
  switch (kind) {
    case "boolean":
      return { type: new arrow.Bool(), convert: identity };
    case "number": {
      const int32 = present.every((v) => Number.isInteger(v) && (v as number) >= -(2 ** 31) && (v as number) < 2 ** 31);
      return {
        type: int32 ? new arrow.Int32() : new arrow.Float64(),
        convert: identity,
      };
    }
    case "bigint":
      return { type: new arrow.Int64(), convert: identity };
    case "string":
      return { type: new arrow.Utf8(), convert: identity };
    case "date":
      return { type: new arrow.TimestampMillisecond("UTC"), convert: identity };
    case "binary":
      return { type: new arrow.Binary(), convert: identity };
    case "array": {
      const child = planFor((present as unknown[][]).flat());
      return {
        type: new arrow.List(new arrow.Field("item", child.type, true)),
        convert: (v) => (v as unknown[]).map((x) => (x === null || x === undefined ? null : child.convert(x))),
      };
    }
    case "object": {
      if (!present.every(isPlainObject)) return { type: new arrow.Utf8(), convert: (v) => String(v) };
      const objects = present as Record<string, unknown>[];
      const keys = [...new Set(objects.flatMap((o) => Object.keys(o)))];
      const children = keys.map((k) => [k, planFor(objects.map((o) => o[k] ?? null))] as const);
      return {
        type: new arrow.Struct(children.map(([k, p]) => new arrow.Field(k, p.type, true))),
        convert: (v) => {
          const o = v as Record<string, unknown>;
          const out: Record<string, unknown> = {};
          for (const [k, p] of children) out[k] = o[k] === null || o[k] === undefined ? null : p.convert(o[k]);
          return out;
        },
      };
    }
    default:
      return { type: new arrow.Utf8(), convert: (v) => String(v) };
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/** Concatenates tables (e.g. the files of a glob). Tables with different schemas are merged by column name. */
export function concatTables(tables: readonly arrow.Table[]): arrow.Table {
  if (tables.length === 0) return new arrow.Table();
  const [first, ...rest] = tables as [arrow.Table, ...arrow.Table[]];
  const same = rest.every((t) => String(t.schema.fields) === String(first.schema.fields));
  if (same) return first.concat(...rest);
  return rowsToTable(
    tables.flatMap((t) =>
      t.toArray().map((row) => ({
        ...(row as { toJSON(): Record<string, unknown> }).toJSON(),
      })),
    ),
  );
}
