/**
 * Data arguments as dash sees them: an Apache Arrow `Table`, an array of row objects, or an
 * object of columns, normalized to one Arrow `Table`, then to IPC bytes and a content hash.
 *
 * Both steps are memoized, so data a script keeps between reruns (a module-level constant, a
 * `cache`d query result) costs next to nothing on rerun: the same hash is registered again and the
 * session sends nothing. An Arrow table is immutable and is known by its identity. Rows and
 * columns are the caller's to change in place (`dash.state.rows.push(…)`), so each conversion keeps
 * what it read (see `held.ts`) and a call converts again when the values are no longer the same.
 */
import { createHash } from "node:crypto";
import {
  Bool,
  DataType,
  DateMillisecond,
  Dictionary,
  Float64,
  Int32,
  Int64,
  Int8,
  makeData,
  makeVector,
  Table,
  tableToIPC,
  TimestampMillisecond,
  Utf8,
  type Vector,
} from "apache-arrow";
import type { Json } from "@dash/runtime/protocol.ts";
import type { Scope } from "@dash/runtime/scope.ts";
import { holdColumns, holdRows, isUnchanged, type Held } from "./held.ts";

/** What data elements accept. */
export type DataInput = Table | readonly object[] | { readonly [column: string]: ArrayLike<unknown> };

/** A data argument that cannot be used, with a message for the viewer. */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataError";
  }
}

const converted = new WeakMap<object, { table: Table; held: Held }>();
const encodings = new WeakMap<Table, { hash: string; bytes: Uint8Array }>();

/** Is this an Arrow table (ours, or one that looks like one)? */
export function isTable(value: unknown): value is Table {
  if (value instanceof Table) return true;
  const v = value as Table | null;
  return !!v && typeof v === "object" && typeof v.getChild === "function" && typeof v.numRows === "number" && !!v.schema && Array.isArray(v.schema.fields);
}

/**
 * Normalize a data argument to an Arrow table, as it is at this call: the table made for the same
 * rows or columns last time is used again only while their values are the same. Throws `DataError`.
 */
export function maybeTable(data: unknown): Table {
  if (isTable(data)) return data;
  if (data === null || typeof data !== "object")
    throw new DataError(`Expected a table (an Arrow Table, an array of row objects or an object of columns), got ${describe(data)}.`);
  const known = converted.get(data);
  if (known && isUnchanged(data, known.held)) return known.table;
  const made = Array.isArray(data) ? fromRows(data as readonly unknown[]) : fromColumns(data as Record<string, unknown>);
  converted.set(data, made);
  return made.table;
}

/** IPC bytes and content hash of a table (memoized by identity). */
export function encode(table: Table): { hash: string; bytes: Uint8Array } {
  let known = encodings.get(table);
  if (!known) {
    const bytes = tableToIPC(withStableDictionaryIds(table), "stream");
    known = { hash: createHash("sha1").update(bytes).digest("hex"), bytes };
    encodings.set(table, known);
  }
  return known;
}

/**
 * The table with each dictionary-encoded column's dictionary id set to the column's position.
 * Arrow numbers dictionaries from a counter that never repeats, and the id is in the bytes: without
 * this, the same strings built into a table twice would hash differently and travel again.
 */
function withStableDictionaryIds(table: Table): Table {
  const fields = table.schema.fields;
  if (fields.every((field, index) => !DataType.isDictionary(field.type) || field.type.id === index)) return table;
  if (new Set(fields.map((field) => field.name)).size < fields.length) return table; // (names repeat: left as is)
  const columns: Record<string, Vector> = {};
  fields.forEach((field, index) => {
    const vector = table.getChildAt(index)!;
    const type = field.type as DataType;
    if (!DataType.isDictionary(type) || type.id === index) columns[field.name] = vector;
    else {
      const stable = new Dictionary(type.dictionary, type.indices, index, type.isOrdered);
      columns[field.name] = makeVector(vector.data.map((data) => data.clone(stable)));
    }
  });
  return new Table(columns);
}

/** Register a table with the session and return the `{ $data }` reference for props. */
export function dataRef(scope: Scope, table: Table, options: { deferred?: boolean } = {}): Json {
  const { hash, bytes } = encode(table);
  return scope.data(hash, bytes, options);
}

function fromRows(rows: readonly unknown[]): { table: Table; held: Held } {
  const names: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row === null || typeof row !== "object" || Array.isArray(row)) {
      throw new DataError(`Row ${i} is ${describe(row)}; an array of data must hold row objects like { year: 2016, pm10: 21 }.`);
    }
    // Keys of the first rows decide the columns; later rows add any new ones.
    for (const key in row as object) {
      if (!seen.has(key)) {
        seen.add(key);
        names.push(key);
      }
    }
  }
  const columns: Record<string, Vector> = {};
  const lists: unknown[][] = [];
  for (const name of names) {
    const values = new Array<unknown>(rows.length);
    for (let i = 0; i < rows.length; i++) values[i] = (rows[i] as Record<string, unknown>)[name];
    columns[name] = toVector(name, values);
    lists.push(values);
  }
  return { table: new Table(columns), held: holdRows(rows.length, names, lists) };
}

function fromColumns(object: Record<string, unknown>): { table: Table; held: Held } {
  const columns: Record<string, Vector> = {};
  let length: number | undefined;
  for (const [name, values] of Object.entries(object)) {
    if (values === null || typeof values !== "object" || typeof (values as ArrayLike<unknown>).length !== "number") {
      throw new DataError(`Column "${name}" is ${describe(values)}; an object of columns must map each name to an array.`);
    }
    const array = values as ArrayLike<unknown>;
    if (length !== undefined && array.length !== length) {
      throw new DataError(`Columns have different lengths: "${name}" has ${array.length} values, the ones before it ${length}.`);
    }
    length = array.length;
    columns[name] = toVector(name, array);
  }
  return { table: new Table(columns), held: holdColumns(object, columns) };
}

/** One column from JS values: the type is inferred from the non-null values. */
function toVector(name: string, values: ArrayLike<unknown>): Vector {
  // A copy: the caller may change its array later, and the table (and what is derived from it) must not.
  if (ArrayBuffer.isView(values) && !(values instanceof DataView)) return makeVector((values as Float64Array).slice());
  let kind: "number" | "bigint" | "boolean" | "date" | "string" | "mixed" | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) continue;
    const k =
      typeof v === "number"
        ? "number"
        : typeof v === "bigint"
          ? "bigint"
          : typeof v === "boolean"
            ? "boolean"
            : v instanceof Date
              ? "date"
              : typeof v === "string"
                ? "string"
                : "mixed";
    if (kind === undefined) kind = k;
    else if (kind !== k) {
      kind = "mixed";
      break;
    }
  }
  const list = Array.isArray(values) ? (values as unknown[]) : Array.from(values);
  switch (kind) {
    case "number": {
      // A null stays a null (a table shows "null", not NaN); NaN stays NaN.
      const data = new Float64Array(list.length);
      let nulls = false;
      for (let i = 0; i < list.length; i++) {
        const v = list[i];
        if (typeof v === "number") data[i] = v;
        else {
          data[i] = NaN;
          nulls = true;
        }
      }
      return nulls ? withNulls(new Float64(), data, list, (v) => typeof v === "number") : makeVector(data);
    }
    case "bigint": {
      const data = new BigInt64Array(list.length);
      for (let i = 0; i < list.length; i++) if (typeof list[i] === "bigint") data[i] = BigInt.asIntN(64, list[i] as bigint);
      return withNulls(new Int64(), data, list, (v) => typeof v === "bigint");
    }
    case "boolean": {
      const bits = new Uint8Array((list.length + 7) >> 3);
      for (let i = 0; i < list.length; i++) if (list[i] === true) bits[i >> 3]! |= 1 << (i & 7);
      return withNulls(new Bool(), bits, list, (v) => typeof v === "boolean");
    }
    case "date": {
      const valid = (v: unknown): boolean => v instanceof Date && !Number.isNaN(+v);
      const data = new BigInt64Array(list.length);
      for (let i = 0; i < list.length; i++) if (valid(list[i])) data[i] = BigInt(+(list[i] as Date));
      return withNulls(new TimestampMillisecond(), data, list, valid);
    }
    case "string":
      return stringVector(list.map((v) => (typeof v === "string" ? v : null)));
    case undefined:
      return stringVector(list.map(() => null));
    default:
      // Mixed or object values: shown as text (JSON for objects), never as markup.
      void name;
      return stringVector(
        list.map((v) =>
          v === null || v === undefined ? null : typeof v === "object" && !(v instanceof Date) ? safeJson(v) : v instanceof Date ? v.toISOString() : String(v),
        ),
      );
  }
}

/** A vector over ready-made values with a validity bitmap from `valid` (Arrow's builders are slow). */
function withNulls<T extends DataType>(type: T, data: ArrayLike<unknown>, list: unknown[], valid: (v: unknown) => boolean): Vector<T> {
  const { bitmap, nullCount } = validity(list, valid);
  return makeVector(makeData({ type, length: list.length, nullCount, nullBitmap: bitmap, data } as never)) as Vector<T>;
}

function validity(list: ArrayLike<unknown>, valid: (v: unknown) => boolean): { bitmap: Uint8Array | undefined; nullCount: number } {
  let nullCount = 0;
  const bitmap = new Uint8Array((list.length + 7) >> 3);
  for (let i = 0; i < list.length; i++) {
    if (valid(list[i])) bitmap[i >> 3]! |= 1 << (i & 7);
    else nullCount++;
  }
  return { bitmap: nullCount ? bitmap : undefined, nullCount };
}

/** Epoch milliseconds (NaN = null) as a timestamp column, which Plot reads as Dates. */
export function timestampVector(ms: Float64Array): Vector {
  const data = new BigInt64Array(ms.length);
  for (let i = 0; i < ms.length; i++) if (!Number.isNaN(ms[i]!)) data[i] = BigInt(Math.round(ms[i]!));
  return withNulls(new TimestampMillisecond(), data, Array.from(ms), (v) => !Number.isNaN(v as number));
}

const encoder = new TextEncoder();

/** Strings, dictionary-encoded when they repeat a lot (category columns). */
export function stringVector(values: (string | null)[]): Vector {
  const n = values.length;
  const { bitmap, nullCount } = validity(values, (v) => v !== null && v !== undefined);
  const codes = new Map<string, number>();
  for (const v of values) {
    if (v === null || v === undefined || codes.has(v)) continue;
    codes.set(v, codes.size);
    if (codes.size > 65_536) break;
  }
  if (n > 64 && codes.size <= 65_536 && codes.size * 4 < n) {
    const small = codes.size < 127;
    const indices = small ? new Int8Array(n) : new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v !== null && v !== undefined) indices[i] = codes.get(v)!;
    }
    const dictionary = utf8Vector([...codes.keys()]);
    const type = new Dictionary(new Utf8(), small ? new Int8() : new Int32());
    return makeVector(makeData({ type, length: n, nullCount, nullBitmap: bitmap, data: indices, dictionary } as never));
  }
  return utf8Vector(values, bitmap, nullCount);
}

function utf8Vector(values: (string | null)[], bitmap?: Uint8Array, nullCount = 0): Vector {
  const offsets = new Int32Array(values.length + 1);
  let size = 0;
  for (const v of values) if (v) size += v.length * 3;
  let bytes = new Uint8Array(Math.max(16, size));
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v) {
      const { written } = encoder.encodeInto(v, bytes.subarray(at));
      at += written;
    }
    offsets[i + 1] = at;
  }
  bytes = bytes.slice(0, at);
  return makeVector(makeData({ type: new Utf8(), length: values.length, nullCount, nullBitmap: bitmap, valueOffsets: offsets, data: bytes } as never));
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "Object"})`;
  return `${typeof value} ${JSON.stringify(String(value)).slice(0, 40)}`;
}

// ---- reading columns ---------------------------------------------------------------------

export function columnNames(table: Table): string[] {
  return table.schema.fields.map((field) => field.name);
}

/** The column, or a `DataError` naming the columns that exist. */
export function column(table: Table, name: string, role: string): Vector {
  const vector = typeof name === "string" ? table.getChild(name) : null;
  if (!vector) {
    const names = columnNames(table);
    throw new DataError(
      `${role}: there is no column ${JSON.stringify(name)}. The data has ${names.length ? names.map((n) => JSON.stringify(n)).join(", ") : "no columns"}.`,
    );
  }
  return vector;
}

export function isNumericType(type: DataType): boolean {
  return DataType.isInt(type) || DataType.isFloat(type) || DataType.isDecimal(type);
}

/** A column's type in a data scientist's words (error messages), Arrow's name after it. */
export function describeType(type: DataType): string {
  const inner = DataType.isDictionary(type) ? type.dictionary : type;
  const words =
    DataType.isUtf8(inner) || DataType.isLargeUtf8(inner)
      ? "text"
      : DataType.isBool(inner)
        ? "true/false values"
        : isTemporalType(inner)
          ? "dates"
          : isNumericType(inner)
            ? "numbers"
            : DataType.isNull(inner)
              ? "only nulls"
              : null;
  return words ? `${words} (${type})` : `${type} values`;
}

export function isTemporalType(type: DataType): boolean {
  return DataType.isDate(type) || DataType.isTimestamp(type);
}

/** A numeric or temporal column as float64 (dates as epoch ms, nulls as NaN). Zero-copy when possible. */
export function toFloat64(vector: Vector): Float64Array {
  if (vector.type instanceof Float64 && vector.nullCount === 0 && vector.data.length === 1) return vector.data[0]!.values as Float64Array;
  const out = new Float64Array(vector.length);
  let offset = 0;
  for (const chunk of vector.data) {
    const values = chunk.values as ArrayLike<number | bigint>;
    const hasNulls = chunk.nullCount > 0;
    const stride = chunk.type instanceof DateMillisecond && values instanceof Int32Array ? 2 : 1;
    for (let i = 0; i < chunk.length; i++) {
      if (hasNulls && !chunk.getValid(i)) out[offset + i] = NaN;
      else if (stride === 2) out[offset + i] = Number(vector.get(offset + i));
      else out[offset + i] = Number(values[i]);
    }
    offset += chunk.length;
  }
  if (DataType.isDate(vector.type) && (vector.type as DataType & { unit: number }).unit === 0) for (let i = 0; i < out.length; i++) out[i] *= 86_400_000;
  if (DataType.isTimestamp(vector.type)) {
    const unit = (vector.type as DataType & { unit: number }).unit; // 0 s, 1 ms, 2 µs, 3 ns
    const scale = unit === 0 ? 1000 : unit === 2 ? 1e-3 : unit === 3 ? 1e-6 : 1;
    if (scale !== 1) for (let i = 0; i < out.length; i++) out[i] *= scale;
  }
  return out;
}

/** Make sure a channel column is numeric; else a `DataError` saying what it holds. */
export function numericColumn(table: Table, name: string, role: string): Vector {
  const vector = column(table, name, role);
  if (!isNumericType(vector.type)) throw new DataError(`${role}: column ${JSON.stringify(name)} holds ${describeType(vector.type)}, not numbers.`);
  return vector;
}

export { Float64, Int32, Utf8 };
