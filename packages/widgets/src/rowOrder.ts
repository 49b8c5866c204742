/**
 * The one sort of a table's rows, used by the server (tables past 100,000 rows) and by the browser
 * (smaller tables), so a table sorts the same at any size. It imports nothing: the browser's main
 * bundle takes it without Arrow.
 *
 * The rule: numbers, dates and BigInts compare as numbers, everything else as text (code unit
 * order); a missing value (null, undefined, NaN, an invalid date) goes last whichever the
 * direction; equal values keep their row order.
 */

/** What a sort reads of a column (an Arrow `Vector` is one). */
export interface ColumnValues {
  readonly length: number;
  get(index: number): unknown;
}

/** A column's values as numbers (a date as epoch ms, a BigInt rounded); a missing value as NaN. */
export function numberKeys(column: ColumnValues): Float64Array {
  const keys = new Float64Array(column.length);
  for (let i = 0; i < keys.length; i++) {
    const value = column.get(i);
    keys[i] = value === null || value === undefined ? NaN : value instanceof Date ? +value : Number(value);
  }
  return keys;
}

/** A column's values as text; a missing value as null. */
export function textKeys(column: ColumnValues): (string | null)[] {
  const keys = new Array<string | null>(column.length);
  for (let i = 0; i < keys.length; i++) {
    const value = column.get(i);
    keys[i] = value === null || value === undefined ? null : String(value);
  }
  return keys;
}

/** The row order that sorts `keys` (see the rule above), as row numbers. */
export function rowOrder(keys: Float64Array | readonly (string | null)[], desc: boolean): Uint32Array {
  const n = keys.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const sign = desc ? -1 : 1;
  if (keys instanceof Float64Array) {
    order.sort((a, b) => {
      const va = keys[a]!;
      const vb = keys[b]!;
      if (va !== va) return vb !== vb ? a - b : 1; // NaN
      if (vb !== vb) return -1;
      return (va < vb ? -1 : va > vb ? 1 : 0) * sign || a - b;
    });
  } else {
    order.sort((a, b) => {
      const va = keys[a]!;
      const vb = keys[b]!;
      if (va === null) return vb === null ? a - b : 1;
      if (vb === null) return -1;
      return (va < vb ? -1 : va > vb ? 1 : 0) * sign || a - b;
    });
  }
  return order;
}
