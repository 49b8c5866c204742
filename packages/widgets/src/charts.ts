/**
 * Streamlit-style quick charts — `lineChart`, `areaChart`, `barChart`, `scatterChart` — built as
 * Observable Plot specs on the server and drawn by Observable Plot in the browser (the same
 * renderer as `plot()`).
 *
 * Line and area charts with more points than pixel columns are downsampled here (M4: first, min,
 * max and last per column) to the chart's width, which the browser reports back: each chart is a
 * small widget whose value is its width in CSS pixels. Scatter charts past 50,000 points show a
 * deterministic sample and say so. Bad input (a missing column, non-numeric values, no rows, a
 * bar per row for millions of rows) becomes a message in the chart, never a blank or a frozen tab.
 */
import { Table, type Vector } from "apache-arrow";
import type { Json, Props } from "@dash/runtime/protocol.ts";
import { scopeOf, type Scope } from "@dash/runtime/scope.ts";
import { staleProp } from "./live.ts";
import { runSlot } from "@dash/runtime/run.ts";
import {
  column,
  columnNames,
  DataError,
  dataRef,
  describeType,
  isNumericType,
  isTemporalType,
  maybeTable,
  stringVector,
  timestampVector,
  toFloat64,
  type DataInput,
} from "./data.ts";
import { band, m4, sample, sortedOrder, union } from "./downsample.ts";
import { makeVector } from "apache-arrow";
import { chartWidget, type ChartProps } from "./widget.ts";

export interface ChartOptions {
  /** The x column (default: the first column). */
  x?: string;
  /** One y column or several (default: every other numeric column). */
  y?: string | string[];
  /** A column whose values split the data into colored series. */
  color?: string;
  title?: string;
  /** Height in pixels (default 300). */
  height?: number;
  /** Axis labels (default: the column names). */
  xLabel?: string;
  yLabel?: string;
  /** Makes the chart's identity explicit (its reported width is kept under this key). */
  key?: string;
}

export interface AreaChartOptions extends ChartOptions {
  /** Stack the series (default `true`); `false` overlaps them. */
  stack?: boolean;
  /** A min–max band: `[low, high]` columns, drawn as one area (with `y`, if given, as a line over it). */
  band?: [string, string];
}

export interface BarChartOptions extends ChartOptions {
  /** `true` (default) stacks the series in one bar; `false` puts them side by side. */
  stack?: boolean;
  /** Bars along y instead of x. */
  horizontal?: boolean;
}

export interface ScatterChartOptions extends ChartOptions {
  /** A numeric column for the dots' area. */
  size?: string;
}

const defaults = { height: 300, width: 960, scatterLimit: 50_000, barLimit: 25_000 };

type Kind = "line" | "area" | "bar" | "scatter";
type Obj = { [key: string]: Json };

/**
 * A line per y column (or per value of `color`), with hover tooltips and a legend.
 * @example dash.lineChart(pollution, { x: "year", y: ["pm10", "pm25_frm"], title: "Pollutants" });
 */
export function lineChart(this: unknown, data: DataInput, options: ChartOptions = {}): void {
  chart(scopeOf(this), "line", data, options);
}

/**
 * Stacked areas per y column, or a min–max `band` with an optional line.
 * @example dash.areaChart(temperature, { x: "date", band: ["min", "max"], y: "avg" });
 */
export function areaChart(this: unknown, data: DataInput, options: AreaChartOptions = {}): void {
  chart(scopeOf(this), "area", data, options);
}

/**
 * Bars per row: stacked or side by side for several y columns or a `color` column.
 * @example dash.barChart(sales, { x: "region", y: ["online", "stores"], stack: false });
 */
export function barChart(this: unknown, data: DataInput, options: BarChartOptions = {}): void {
  chart(scopeOf(this), "bar", data, options);
}

/**
 * Dots at x/y, colored by `color` and sized by `size`.
 * @example dash.scatterChart(cars, { x: "power", y: "economy", color: "origin" });
 */
export function scatterChart(this: unknown, data: DataInput, options: ScatterChartOptions = {}): void {
  chart(scopeOf(this), "scatter", data, options);
}

/** The chart's automatic identity: its position among the charts of its fragment (or the page). */
const chartCounters = runSlot(() => new Map<string, number>());
function identity(scope: Scope, kind: Kind): string {
  const counters = chartCounters(scope.run);
  const where = scope.options.fragment ?? scope.run.fragment ?? "page";
  const n = counters.get(where) ?? 0;
  counters.set(where, n + 1);
  return `${where}#${n} ${kind}`;
}

function chart(scope: Scope, kind: Kind, data: DataInput, options: ChartOptions & AreaChartOptions & BarChartOptions & ScatterChartOptions): void {
  const label = identity(scope, kind);
  const fixed: ChartProps = { chart: kind, height: options.height ?? defaults.height };
  if (options.title) fixed.title = options.title;
  Object.assign(fixed, staleProp(data));
  chartWidget.render(scope, {
    label,
    key: options.key,
    props: fixed,
    // The chart is drawn for the width the browser reported on an earlier run (the widget's value).
    propsFor: (reported) => {
      const width = reported > 0 ? reported : defaults.width;
      const props: Props = {};
      try {
        const built = build(scope, kind, data, options, Math.round(width));
        props.spec = built.spec;
        if (built.note) props.note = built.note;
        if (built.columns) props.columns = built.columns;
      } catch (error) {
        if (!(error instanceof DataError)) throw error;
        props.error = error.message;
      }
      return props;
    },
    initial: 0,
    parse: (wire) => (typeof wire === "number" && Number.isFinite(wire) && wire >= 0 && wire <= 20_000 ? Math.round(wire) : undefined),
    coerce: (value) => (typeof value === "number" ? value : undefined),
    toWire: (value) => value,
  });
}

interface Built {
  spec: Json;
  note?: string;
  /** Pixel columns the data was downsampled to (the browser reports its width when it differs). */
  columns?: number;
}

/** What `reshape` made of a table for one chart's options (and, once asked, the x extent drawn). */
type Reshaped = {
  table: Table;
  note?: string;
  columns?: number;
  extra?: Table;
  /** Found on first need, then kept with the reshaped table: the x extent, the value axis' reach. */
  xExtent?: [number, number] | null;
  reach?: number;
};
const memo = new WeakMap<Table, Map<string, Reshaped>>();

function build(
  scope: Scope,
  kind: Kind,
  data: DataInput,
  options: ChartOptions & AreaChartOptions & BarChartOptions & ScatterChartOptions,
  width: number,
): Built {
  const table = maybeTable(data);
  const names = columnNames(table);
  const fn = `${kind}Chart`;
  if (!names.length) throw new DataError(`${fn}: the data is empty (no columns).`);
  const xName = options.x ?? names[0]!;
  const x = column(table, xName, `${fn} x`);
  const color = options.color !== undefined ? column(table, options.color, `${fn} color`) : null;
  const bandNames = kind === "area" ? options.band : undefined;
  let yNames: string[];
  if (options.y === undefined) {
    yNames = bandNames ? [] : names.filter((n) => n !== xName && n !== options.color && n !== options.size && isNumericType(table.getChild(n)!.type));
    if (!yNames.length && !bandNames)
      throw new DataError(
        `${fn}: no numeric column to draw as y. The data has ${names.map((n) => `${JSON.stringify(n)}: ${describeType(table.getChild(n)!.type)}`).join(", ")}.`,
      );
  } else yNames = Array.isArray(options.y) ? options.y : [options.y];
  for (const name of [...yNames, ...(bandNames ?? [])]) column(table, name, `${fn} y`);
  if (table.numRows === 0) throw new DataError(`${fn}: the data has no rows (columns: ${names.map((n) => JSON.stringify(n)).join(", ")}).`);
  for (const name of [...yNames, ...(bandNames ?? [])]) {
    const vector = column(table, name, `${fn} y`);
    if (!isNumericType(vector.type) && !(isTemporalType(vector.type) && (kind === "scatter" || kind === "line")))
      throw new DataError(
        `${fn}: y column ${JSON.stringify(name)} holds ${describeType(vector.type)}, not numbers. Numeric columns: ${
          names
            .filter((n) => isNumericType(table.getChild(n)!.type))
            .map((n) => JSON.stringify(n))
            .join(", ") || "none"
        }.`,
      );
  }
  if (kind === "scatter" && options.size !== undefined) {
    const size = column(table, options.size, `${fn} size`);
    if (!isNumericType(size.type)) throw new DataError(`${fn}: size column ${JSON.stringify(options.size)} holds ${describeType(size.type)}, not numbers.`);
  }
  if (kind === "bar" && table.numRows > defaults.barLimit) {
    throw new DataError(
      `${fn}: ${table.numRows.toLocaleString("en-US")} rows would be ${table.numRows.toLocaleString("en-US")} bars. A bar chart draws one bar per row (at most ${defaults.barLimit.toLocaleString("en-US")}); aggregate first (e.g. sum per category), or use lineChart or plot() with Plot.binX.`,
    );
  }
  const temporal = isTemporalType(x.type);
  const continuous = temporal || isNumericType(x.type);
  const xLabel = options.xLabel ?? xName;
  const yLabel = options.yLabel ?? (yNames.length === 1 ? yNames[0]! : bandNames && !yNames.length ? `${bandNames[0]} – ${bandNames[1]}` : "value");
  // The value axis ends on round numbers ("nice"), as spreadsheet and Vega-Lite charts do.
  const top: { [key: string]: Json } = { x: { label: options.xLabel ?? (temporal ? null : xLabel) }, y: { label: yLabel, grid: true, nice: true } };
  const years = isNumericType(x.type) && looksLikeYears(x);
  if (years) (top.x as Obj).tickFormat = "d";
  const seriesName = options.color ?? "series";
  const long = yNames.length > 1 || color !== null;
  if (long) top.color = { legend: true, label: seriesName };

  // ---- reshaping and downsampling ----
  const reduce = (kind === "line" || kind === "area") && continuous;
  const key = JSON.stringify([kind, xName, yNames, options.color, bandNames, options.size, options.stack, reduce ? width : 0]);
  let cached = memo.get(table)?.get(key);
  if (!cached) {
    cached = reshape(table, kind, { x, xName, temporal, yNames, color, seriesName, bandNames, reduce, width, stack: options.stack !== false });
    let byKey = memo.get(table);
    if (!byKey) memo.set(table, (byKey = new Map()));
    if (byKey.size > 16) byKey.clear();
    byKey.set(key, cached);
  }
  const ref = dataRef(scope, cached.table);
  const y = yNames.length === 1 && !color ? yNames[0]! : "value";
  // Bars side by side: a facet per x value, so x is no longer a position axis.
  const grouped = kind === "bar" && long && options.stack === false;
  const marks: Json[] = [];
  let builtColumns = cached.columns;
  switch (kind) {
    case "line":
      marks.push({
        mark: "lineY",
        data: ref,
        options: { x: xName, y, ...(long ? { stroke: seriesName } : { stroke: "var(--accent, steelblue)" }), tip: true },
      });
      break;
    case "area": {
      if (bandNames) {
        const bandRef = cached.extra ? dataRef(scope, cached.extra) : ref;
        marks.push({
          mark: "areaY",
          data: bandRef,
          options: { x: xName, y1: bandNames[0], y2: bandNames[1], fill: "var(--accent, steelblue)", fillOpacity: 0.25 },
        });
        if (yNames.length)
          marks.push({
            mark: "lineY",
            data: ref,
            options: { x: xName, y, ...(long ? { stroke: seriesName } : { stroke: "var(--accent, steelblue)" }), tip: true },
          });
        else
          marks.push({
            mark: "tip",
            data: bandRef,
            options: { $fn: "pointerX", args: [{ x: xName, y: bandNames[1], channels: { [bandNames[0]]: bandNames[0], [bandNames[1]]: bandNames[1] } }] },
          });
      } else {
        const fill: Obj = long ? { fill: seriesName } : {};
        const ys: Obj = options.stack === false ? { y1: 0, y2: y } : { y };
        marks.push({ mark: "areaY", data: ref, options: { x: xName, ...ys, ...fill, fillOpacity: long && options.stack === false ? 0.35 : 0.8, tip: true } });
        marks.push({ mark: "ruleY", data: [0] });
      }
      break;
    }
    case "bar": {
      const times = temporal ? toFloat64(x) : null;
      const fill: Obj = long ? { fill: seriesName } : { fill: "var(--accent, steelblue)" };
      const even = times !== null && !long && table.numRows > 50 && evenlySpaced(times);
      // The x column's distinct values in the order they first appear (null too), found once.
      let known: unknown[] | undefined;
      const categories = (): unknown[] => (known ??= distinct(x));
      if (even && table.numRows > width) {
        // More bars than pixel columns, side by side at an even step: together they look like one
        // stepped shape, and are drawn as one (a path, not a rect per bar: a year of daily bars
        // costs the browser one element instead of 366).
        marks.push({ mark: "areaY", data: ref, options: { x: xName, y, curve: "step", ...fill, tip: true } });
      } else if (temporal && !grouped) {
        // Many thin bars: no gaps (Plot's default inset would leave them 0 px wide).
        const inset: Obj = table.numRows > 120 ? { inset: 0 } : {};
        marks.push({ mark: "rectY", data: ref, options: { x: xName, y, interval: inferInterval(times!), ...fill, ...inset, tip: true } });
      } else if (options.horizontal) {
        const sideBySide: Obj = grouped ? { fy: xName, y: seriesName } : {};
        marks.push({ mark: "barX", data: ref, options: { y: xName, x: y, ...fill, ...sideBySide, tip: true } });
        top.x = { label: yLabel, grid: true, nice: true };
        // The categories' names down the left: a margin as wide as the longest (Plot's default
        // 40 px cut "Region 12" to "on 12"), and the axis label above them rather than across them.
        top.y = { label: xLabel, labelAnchor: "top" };
        top.marginLeft = Math.min(240, Math.max(40, Math.round(longestText(categories()) * 6.2) + 14));
      } else if (grouped) {
        // Side by side: a facet per x (dates too), a bar per series within it.
        marks.push({ mark: "barY", data: ref, options: { fx: xName, x: seriesName, y, ...fill, tip: true } });
        top.x = { axis: null };
        top.fx = { label: xLabel, padding: 0.15, ...(temporal ? { tickFormat: { $const: "formatIsoDate" } } : {}) };
      } else {
        marks.push({ mark: "barY", data: ref, options: { x: xName, y, ...fill, tip: true } });
        const count = categories().length;
        if (count > 12) (top.x as { [key: string]: Json }).tickRotate = -45;
        if (count > 40) {
          // A tick every nth category, about 30 in all.
          const step = Math.ceil(count / 30);
          (top.x as { [key: string]: Json }).ticks = categories()
            .filter((_, i) => i % step === 0)
            .map((value) => (typeof value === "number" ? value : String(value)));
        }
        // Names slanted at 45°: a bottom margin for the longest, and the axis label below it.
        if (count > 12) top.marginBottom = Math.min(200, Math.max(60, Math.round(longestText(categories()) * 6.2 * 0.72) + 34));
      }
      // Named categories in the order the data gives them: a "top 10" sorted by count stays so
      // (Plot alone sorts names alphabetically, "Region 10" before "Region 2").
      const named = !temporal && !isNumericType(x.type) ? axisDomain(categories(), 2000) : null;
      if (named) {
        const channel = grouped ? (options.horizontal ? "fy" : "fx") : options.horizontal ? "y" : "x";
        top[channel] = { ...(top[channel] as Obj | undefined), domain: named };
      }
      marks.push({ mark: options.horizontal ? "ruleX" : "ruleY", data: [0] });
      // The browser reports the chart's width, which decides between bars and one stepped shape.
      if (even) builtColumns = width;
      break;
    }
    case "scatter": {
      const channels: { [key: string]: Json } = { x: xName, y };
      if (long) channels.stroke = seriesName;
      if (options.size !== undefined) channels.r = options.size;
      marks.push({
        mark: "dot",
        data: ref,
        options: {
          ...channels,
          ...(long ? {} : { stroke: "var(--accent, steelblue)" }),
          fillOpacity: 0.2,
          fill: long ? seriesName : "var(--accent, steelblue)",
          tip: true,
        },
      });
      if (options.size !== undefined) top.r = { range: [1.5, 14] };
      break;
    }
  }
  // Years are written as years in the tooltips too (Plot's default number format gives "2,002").
  if (years) {
    for (const mark of marks as { options?: Obj }[]) {
      const o = mark.options;
      const channel = o && o.tip === true ? ["x", "y", "fx", "fy"].find((k) => o[k] === xName) : undefined;
      if (o && channel) o.tip = { format: { [channel]: "d" } };
    }
  }
  // A time or number axis along x says so: the browser keeps at least four (three) ticks on it when
  // the chart is narrow. (Bars over numbers are categories: a band scale, left alone.)
  if (temporal && !grouped && !(kind === "bar" && options.horizontal)) (top.x as Obj).type = "utc";
  else if (continuous && kind !== "bar") (top.x as Obj).type = "linear";
  // Dates along x, drawn as lines, areas or dots: the x domain is the extent of the dates drawn,
  // which Plot would find by comparing Date objects (a fifth of its work for a year of days).
  if (temporal && marks.every((m) => ["lineY", "areaY", "dot", "ruleY", "tip"].includes((m as { mark: string }).mark))) {
    cached.xExtent ??= extent(xName, [cached.table, cached.extra]);
    if (cached.xExtent) (top.x as Obj).domain = cached.xExtent.map((ms) => ({ $date: ms }));
  }
  // Axes over big numbers say them short (2.5M, 1.2B): written out, their tick labels run past
  // the figure's left edge and into each other along x.
  if ((top.x as Obj).type === "linear" && !years && magnitude((cached.xExtent ??= extent(xName, [cached.table, cached.extra]))) >= 1e6)
    (top.x as Obj).tickFormat = short;
  const stacked = long && ((kind === "area" && options.stack !== false) || (kind === "bar" && !grouped));
  if ((cached.reach ??= valueReach(cached, xName, y, bandNames, stacked)) >= 1e6) {
    const axis = kind === "bar" && options.horizontal ? "x" : "y";
    top[axis] = { ...(top[axis] as Obj), tickFormat: short };
  }
  const built: Built = { spec: { ...top, marks } };
  if (cached.note) built.note = cached.note;
  if (builtColumns) built.columns = builtColumns;
  return built;
}

interface ReshapeInput {
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
function reshape(table: Table, kind: Kind, input: ReshapeInput): { table: Table; note?: string; columns?: number; extra?: Table } {
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
  if (kind === "scatter" && n > defaults.scatterLimit) {
    const rows = sample(n, defaults.scatterLimit);
    note = `Showing a random sample of ${defaults.scatterLimit.toLocaleString("en-US")} of ${n.toLocaleString("en-US")} points.`;
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

/** Tick labels of numbers past a million, short (the browser's `shortNumber`). */
const short: Json = { $format: "short" };

function magnitude(range: [number, number] | null): number {
  return range ? Math.max(Math.abs(range[0]), Math.abs(range[1])) : 0;
}

/** How far the value axis reaches: the largest value drawn, or the largest stack of them. */
function valueReach(drawn: Reshaped, xName: string, y: string, band: [string, string] | undefined, stacked: boolean): number {
  const bandTable = drawn.extra ?? drawn.table;
  const banded = band ? Math.max(magnitude(extent(band[0], [bandTable])), magnitude(extent(band[1], [bandTable]))) : 0;
  const values = drawn.table.getChild(y);
  if (!values || !isNumericType(values.type)) return banded;
  if (!stacked) return Math.max(banded, magnitude(extent(y, [drawn.table])));
  const ys = toFloat64(values);
  const x = drawn.table.getChild(xName)!;
  const stacks = new Map<unknown, [number, number]>();
  for (let i = 0; i < ys.length; i++) {
    const v = ys[i]!;
    if (Number.isNaN(v)) continue;
    const key = x.get(i) as unknown;
    const stack = stacks.get(key) ?? [0, 0];
    stack[v < 0 ? 1 : 0] += v;
    stacks.set(key, stack);
  }
  let largest = 0;
  for (const [up, down] of stacks.values()) largest = Math.max(largest, up, -down);
  return largest;
}

/** The least and greatest value of column `name` over the tables (nulls skipped), or null if none. */
function extent(name: string, tables: (Table | undefined)[]): [number, number] | null {
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
function distinct(vector: Vector): unknown[] {
  const seen = new Set<unknown>();
  for (let i = 0; i < vector.length; i++) seen.add(vector.get(i));
  return [...seen];
}

/** Category values as an axis domain (nulls left out), or null past `limit` of them. */
function axisDomain(values: unknown[], limit: number): Json[] | null {
  const named = values.filter((value) => value !== null && value !== undefined);
  if (named.length > limit) return null;
  return named.map((value) => (typeof value === "string" || typeof value === "boolean" ? value : String(value)));
}

/** The length of the longest of these values, written as text. */
function longestText(values: unknown[]): number {
  let longest = 0;
  for (const value of values) longest = Math.max(longest, String(value ?? "").length);
  return longest;
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
function looksLikeYears(vector: Vector): boolean {
  const values = toFloat64(vector);
  const step = Math.max(1, Math.floor(values.length / 1000));
  for (let i = 0; i < values.length; i += step) {
    const v = values[i]!;
    if (!Number.isNaN(v) && (!Number.isInteger(v) || v < 1000 || v > 2999)) return false;
  }
  return true;
}
