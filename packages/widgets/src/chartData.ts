/**
 * A quick chart's data as it is drawn: series in long form, line and area series downsampled to
 * the chart's pixel columns (M4), scatter points sampled, stacks aligned on their x values; and the
 * facts the spec needs of a column (its extent, whether its x values are evenly spaced or years).
 */
import { makeVector, Table, type Vector } from "apache-arrow";
import type { ChartKind as Kind } from "./charts.ts";
import { isNumericType, isTemporalType, stringVector, timestampVector, toFloat64 } from "./data.ts";
import { band, m4, sample, sortedOrder, union } from "./downsample.ts";

/** Scatter charts past this many points show a sample. */
const scatterLimit = 50_000;
export interface ReshapeInput {
  x: Vector;
  xName: string;
  temporal: boolean;
  yNames: string[];
  color: Vector | null;
  seriesName: string;
  bandNames: [string, string] | undefined;
  reduce: boolean;
  width: number;
  stack: boolean;
}

/**
 * The table the browser gets: the author's own (so it is shared with other elements) when it can
 * be drawn as is; else long format (x, value, series), downsampled or sampled.
 */
export function reshape(table: Table, kind: Kind, input: ReshapeInput): { table: Table; note?: string; columns?: number; extra?: Table } {
  const { yNames, color, reduce, width } = input;
  const n = table.numRows;
  const long = yNames.length > 1 || color !== null;
  const columns = Math.max(50, Math.min(4000, width));
  const xs = reduce || kind === "scatter" ? toFloat64(input.x) : null;
  const order = reduce && xs ? orderOf(xs) : null;
  let extra: Table | undefined;
  let note: string | undefined;
  let reduced = false;
  if (input.bandNames) {
    const low = toFloat64(table.getChild(input.bandNames[0])!);
    const high = toFloat64(table.getChild(input.bandNames[1])!);
    if (reduce && xs && n > columns * 2) {
      const b = band(xs, low, high, columns, order);
      extra = new Table({ [input.xName]: xVector(b.x, input.temporal), [input.bandNames[0]]: makeVector(b.low), [input.bandNames[1]]: makeVector(b.high) });
      reduced = true;
    } else extra = table;
    if (!yNames.length) return { table: extra, ...(reduced ? { columns } : {}) };
  }
  // Which rows of each series to keep.
  const groups: { name: string; y: string; rows: Uint32Array | null }[] = [];
  if (color) {
    const byValue = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      const value = color.get(i);
      const name = value === null || value === undefined ? "(none)" : String(value);
      let list = byValue.get(name);
      if (!list) byValue.set(name, (list = []));
      list.push(i);
    }
    for (const [name, rows] of byValue)
      for (const y of yNames) groups.push({ name: yNames.length > 1 ? `${name} · ${y}` : name, y, rows: Uint32Array.from(rows) });
  } else for (const y of yNames) groups.push({ name: y, y, rows: null });

  const yArrays = new Map(yNames.map((y) => [y, reduce || long || kind === "scatter" ? toFloat64(table.getChild(y)!) : null]));
  if (reduce && xs) {
    const picked = groups.map((g) => {
      const ys = yArrays.get(g.y)!;
      if (!g.rows) return m4(xs, ys, columns, order);
      const gx = gather(xs, g.rows);
      const local = m4(gx, gather(ys, g.rows), columns, sortedOrder(gx));
      return Uint32Array.from(local, (i) => g.rows![i]!);
    });
    if (picked.some((rows, i) => rows.length < (groups[i]!.rows?.length ?? n))) reduced = true;
    // Stacked areas need the same x in every series: keep the union of the rows each series kept.
    if (kind === "area" && long && input.stack && !color) {
      const all = union(picked, xs);
      picked.fill(all);
    } else if (kind === "area" && long && input.stack && reduced) {
      // Series of a color column have rows of their own: each keeps its rows at the x values
      // that downsampling the stack's total picks (so the series stay aligned, and the outline
      // of the stack keeps its peaks).
      const keep = stackXs(xs, groups, yArrays, columns);
      groups.forEach((g, gi) => (picked[gi] = g.rows!.filter((row) => keep.has(xs[row]!))));
    }
    if (reduced || long) return { table: longTable(table, input, groups, picked, xs, yArrays), ...(reduced ? { columns } : {}), ...(extra ? { extra } : {}) };
    return { table, ...(extra ? { extra } : {}) };
  }
  if (kind === "scatter" && n > scatterLimit) {
    const rows = sample(n, scatterLimit);
    note = `Showing a random sample of ${scatterLimit.toLocaleString("en-US")} of ${n.toLocaleString("en-US")} points.`;
    const picked = groups.map((g) => (g.rows ? intersect(rows, g.rows) : rows));
    return { table: longTable(table, input, groups, picked, xs, yArrays), note };
  }
  if (long)
    return {
      table: longTable(
        table,
        input,
        groups,
        groups.map((g) => g.rows ?? identityRows(n)),
        xs,
        yArrays,
      ),
      ...(extra ? { extra } : {}),
    };
  return { table, ...(extra ? { extra } : {}) };
}

function longTable(
  table: Table,
  input: ReshapeInput,
  groups: { name: string; y: string }[],
  picked: Uint32Array[],
  xs: Float64Array | null,
  yArrays: Map<string, Float64Array | null>,
): Table {
  const total = picked.reduce((sum, rows) => sum + rows.length, 0);
  const single = input.yNames.length === 1 && !input.color;
  const yOut = new Float64Array(total);
  const names: string[] = new Array<string>(total);
  const rowsOut = new Uint32Array(total);
  let k = 0;
  groups.forEach((g, gi) => {
    const ys = yArrays.get(g.y) ?? toFloat64(table.getChild(g.y)!);
    for (const row of picked[gi]!) {
      rowsOut[k] = row;
      yOut[k] = ys[row]!;
      names[k++] = g.name;
    }
  });
  const columns: Record<string, Vector> = {};
  if (xs) columns[input.xName] = xVector(gather(xs, rowsOut), input.temporal);
  else columns[input.xName] = stringVector(Array.from(rowsOut, (i) => stringOf(input.x.get(i))));
  const yTemporal = input.yNames.every((y) => isTemporalType(table.getChild(y)!.type));
  columns[single ? input.yNames[0]! : "value"] = yTemporal ? xVector(yOut, true) : makeVector(yOut);
  if (!single) columns[input.seriesName] = stringVector(names);
  // Extra numeric columns the marks use (scatter size) travel along.
  for (const field of table.schema.fields) {
    if (field.name in columns || input.yNames.includes(field.name)) continue;
    const vector = table.getChild(field.name)!;
    if (isNumericType(vector.type) && total <= 200_000) columns[field.name] = makeVector(gather(toFloat64(vector), rowsOut));
  }
  return new Table(columns);
}

/** The least and greatest value of column `name` over the tables (nulls skipped), or null if none. */
export function extent(name: string, tables: (Table | undefined)[]): [number, number] | null {
  let low = Infinity;
  let high = -Infinity;
  for (const table of tables) {
    const vector = table?.getChild(name);
    if (!vector) continue;
    for (const v of toFloat64(vector)) {
      if (v < low) low = v;
      if (v > high) high = v;
    }
  }
  return low <= high ? [low, high] : null;
}

function xVector(values: Float64Array, temporal: boolean): Vector {
  return temporal ? timestampVector(values) : makeVector(values);
}

const orders = new WeakMap<ArrayBufferLike, Map<string, Uint32Array | null>>();
/**
 * `sortedOrder` of an x column, kept per memory it lives in (a script that keeps its x grid has
 * it scanned once, though each run wraps it in a new table).
 */
function orderOf(xs: Float64Array): Uint32Array | null {
  let byView = orders.get(xs.buffer);
  if (!byView) orders.set(xs.buffer, (byView = new Map()));
  const view = `${xs.byteOffset}:${xs.length}`;
  let order = byView.get(view);
  if (order === undefined) byView.set(view, (order = sortedOrder(xs)));
  return order;
}

/** The x values to keep for stacked series: M4 over the stack's total at each x. */
function stackXs(xs: Float64Array, groups: { y: string; rows: Uint32Array | null }[], yArrays: Map<string, Float64Array | null>, columns: number): Set<number> {
  const totals = new Map<number, number>();
  for (const g of groups) {
    const ys = yArrays.get(g.y)!;
    for (const row of g.rows ?? []) {
      const y = ys[row]!;
      if (!Number.isNaN(y)) totals.set(xs[row]!, (totals.get(xs[row]!) ?? 0) + y);
    }
  }
  const tx = Float64Array.from(totals.keys());
  const ty = Float64Array.from(totals.values());
  return new Set(Array.from(m4(tx, ty, columns, sortedOrder(tx)), (i) => tx[i]!));
}

function gather(values: Float64Array, rows: Uint32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return out;
}

function intersect(sorted: Uint32Array, rows: Uint32Array): Uint32Array {
  const set = new Set(rows);
  return sorted.filter((i) => set.has(i));
}

function identityRows(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

function stringOf(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** A column's distinct values, in the order they first appear (null too). */
export function distinct(vector: Vector): unknown[] {
  const seen = new Set<unknown>();
  for (let i = 0; i < vector.length; i++) seen.add(vector.get(i));
  return [...seen];
}

/** Are these x values in ascending order at one fixed step (a day, an hour…), with none missing? */
export function evenlySpaced(xs: Float64Array): boolean {
  if (xs.length < 3) return false;
  const step = xs[1]! - xs[0]!;
  if (!(step > 0)) return false;
  // (Written so that a NaN, a missing date, also says no.)
  for (let i = 2; i < xs.length; i++) if (!(Math.abs(xs[i]! - xs[i - 1]! - step) <= 1e-6 * step)) return false;
  return true;
}

/** A Plot interval name for bars over time, from the smallest gap between dates. */
export function inferInterval(xs: Float64Array): string {
  const sorted = Float64Array.from(xs.filter((v) => !Number.isNaN(v))).sort();
  let gap = Infinity;
  for (let i = 1; i < sorted.length; i++) {
    const d = sorted[i]! - sorted[i - 1]!;
    if (d > 0 && d < gap) gap = d;
  }
  const day = 86_400_000;
  if (gap >= 365 * day) return "year";
  if (gap >= 28 * day) return "month";
  if (gap >= 7 * day) return "week";
  if (gap >= day) return "day";
  if (gap >= 3_600_000) return "hour";
  if (gap >= 60_000) return "minute";
  return "second";
}

/** Integer x values between 1000 and 2999: years, shown without a thousands separator. */
export function looksLikeYears(vector: Vector): boolean {
  const values = toFloat64(vector);
  const step = Math.max(1, Math.floor(values.length / 1000));
  for (let i = 0; i < values.length; i += step) {
    const v = values[i]!;
    if (!Number.isNaN(v) && (!Number.isInteger(v) || v < 1000 || v > 2999)) return false;
  }
  return true;
}
