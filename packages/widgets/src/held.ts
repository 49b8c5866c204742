/**
 * What a conversion of rows or columns to Arrow read, kept to tell on a later call whether the
 * caller has changed its data in place since (`rows.push(…)`, `rows[0].n = 2`, `ys[3] = 0`).
 *
 * Each column keeps its values as they were read: a typed array as a copy (compared byte for byte,
 * memcmp-fast), other arrays as the list of values (compared with `Object.is`, so a string or a
 * number costs a pointer or a float compare). An object value (a Date, a nested object) is also
 * kept as what it showed (its time, its JSON), since it can change without being replaced.
 */
import type { Vector } from "apache-arrow";

type TypedArray = ArrayBufferView & ArrayLike<number | bigint>;

interface HeldColumn {
  /** The values as read; a typed array: a copy of it. */
  values: readonly unknown[] | TypedArray;
  /** For object values (at their index): their time or JSON when read. */
  deep?: unknown[];
}

export interface Held {
  /** Rows (an array of row objects) or an object of columns. */
  rows: boolean;
  length: number;
  names: string[];
  columns: HeldColumn[];
}

/** Hold the column lists `fromRows` read (one list per name, in order). */
export function holdRows(length: number, names: string[], lists: unknown[][]): Held {
  return { rows: true, length, names, columns: lists.map((values) => hold(values)) };
}

/** Hold an object of columns; typed arrays share the copy their vector was made from. */
export function holdColumns(object: Record<string, unknown>, vectors: Record<string, Vector>): Held {
  const names = Object.keys(object);
  const columns = names.map((name): HeldColumn => {
    const values = object[name] as ArrayLike<unknown>;
    if (!isTyped(values)) return hold(Array.from(values));
    const copy = vectors[name]?.data[0]?.values as unknown;
    const same = isTyped(copy) && copy !== values && copy.constructor === values.constructor && copy.byteLength === values.byteLength;
    return { values: same ? copy : (values as unknown as Float64Array).slice() };
  });
  return { rows: false, length: columns[0]?.values.length ?? 0, names, columns };
}

/** Are `data`'s values still those held? (Its shape, every value, and what object values show.) */
export function isUnchanged(data: object, held: Held): boolean {
  return held.rows ? Array.isArray(data) && sameRows(data as readonly unknown[], held) : sameColumns(data as Record<string, unknown>, held);
}

function hold(values: unknown[]): HeldColumn {
  let deep: unknown[] | undefined;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value !== null && typeof value === "object") (deep ??= new Array<unknown>(values.length))[i] = shown(value);
  }
  return deep ? { values, deep } : { values };
}

function sameRows(rows: readonly unknown[], held: Held): boolean {
  const { names, columns } = held;
  if (rows.length !== held.length) return false;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Record<string, unknown> | null;
    if (row === null || typeof row !== "object" || Array.isArray(row)) return false;
    // Rows usually have every column's key, in order: read them with for…in (V8's fast path).
    let c = 0;
    for (const key in row) {
      if (key !== names[c]) {
        if (!names.includes(key)) return false; // a key no column has
        c = -1;
        break;
      }
      if (!same(row[key], columns[c]!, i)) return false;
      c++;
    }
    if (c === names.length) continue;
    for (let k = 0; k < names.length; k++) if (!same(row[names[k]!], columns[k]!, i)) return false;
  }
  return true;
}

function sameColumns(object: Record<string, unknown>, held: Held): boolean {
  const names = Object.keys(object);
  if (names.length !== held.names.length) return false;
  for (let c = 0; c < names.length; c++) {
    if (names[c] !== held.names[c]) return false;
    const values = object[names[c]!] as ArrayLike<unknown> | null;
    const column = held.columns[c]!;
    if (isTyped(column.values)) {
      if (!isTyped(values) || !sameBytes(values, column.values)) return false;
      continue;
    }
    if (values === null || typeof values !== "object" || isTyped(values) || values.length !== column.values.length) return false;
    for (let i = 0; i < values.length; i++) if (!same(values[i], column, i)) return false;
  }
  return true;
}

function same(value: unknown, column: HeldColumn, i: number): boolean {
  if (!Object.is(value, column.values[i])) return false;
  return value === null || typeof value !== "object" || Object.is(shown(value), column.deep?.[i]);
}

/** What an object value shows: a Date its time, anything else its JSON. */
function shown(value: object): unknown {
  if (value instanceof Date) return value.getTime();
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
  } catch {
    return Symbol("unreadable"); // (cyclic: never the same, so converted anew on each call)
  }
}

function isTyped(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

function sameBytes(a: TypedArray, b: TypedArray): boolean {
  return (
    a.constructor === b.constructor &&
    a.byteLength === b.byteLength &&
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
  );
}
