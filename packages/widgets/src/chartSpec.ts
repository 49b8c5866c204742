/**
 * A quick chart's Observable Plot spec: checks the chart's columns (a clear message for a missing
 * or non-numeric one), reshapes the data for drawing (`chartData.ts`, memoized per table and
 * options) and writes the marks, scales and axes the browser's Plot draws.
 */
import type { Table } from "apache-arrow";
import type { Json } from "@dash/runtime/protocol.ts";
import type { Scope } from "@dash/runtime/scope.ts";
import { distinct, evenlySpaced, extent, inferInterval, looksLikeYears, reshape } from "./chartData.ts";
import type { AreaChartOptions, BarChartOptions, ChartKind as Kind, ChartOptions, ScatterChartOptions } from "./charts.ts";
import { column, columnNames, DataError, dataRef, describeType, isNumericType, isTemporalType, maybeTable, toFloat64, type DataInput } from "./data.ts";

/** A bar chart draws at most this many bars. */
const barLimit = 25_000;
type Obj = { [key: string]: Json };
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
  /** The y extent, read by the value axis' reach and by a single value's range (found once). */
  yExtent?: [number, number] | null;
};
const memo = new WeakMap<Table, Map<string, Reshaped>>();

export function build(
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
  if (kind === "bar" && table.numRows > barLimit) {
    throw new DataError(
      `${fn}: ${table.numRows.toLocaleString("en-US")} rows would be ${table.numRows.toLocaleString("en-US")} bars. A bar chart draws one bar per row (at most ${barLimit.toLocaleString("en-US")}); aggregate first (e.g. sum per category), or use lineChart or plot() with Plot.binX.`,
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
  // One value along a number axis (one point, a flat line) gives the scale no width, and Plot
  // writes its one tick with six decimals ("2.000000"): centre the value on a range around it.
  if ((top.x as Obj).type === "linear") {
    const around = widened((cached.xExtent ??= extent(xName, [cached.table, cached.extra])));
    if (around) (top.x as Obj).domain = around;
  }
  if (kind !== "bar" && !stacked) {
    const around = widened((cached.yExtent ??= extent(y, [cached.table])));
    if (around) (top.y as Obj).domain = around;
  }
  if ((cached.reach ??= valueReach(cached, xName, y, bandNames, stacked)) >= 1e6) {
    const axis = kind === "bar" && options.horizontal ? "x" : "y";
    top[axis] = { ...(top[axis] as Obj), tickFormat: short };
  }
  const built: Built = { spec: { ...top, marks } };
  if (cached.note) built.note = cached.note;
  if (builtColumns) built.columns = builtColumns;
  return built;
}

/** Tick labels of numbers past a million, short (the browser's `shortNumber`). */
const short: Json = { $format: "short" };

/** A range around a single value (±10% of it, at least ±1), or null when the values already span one. */
function widened(range: [number, number] | null): [number, number] | null {
  if (!range || range[0] !== range[1]) return null;
  const half = Math.max(1, Math.abs(range[0]) / 10);
  return [range[0] - half, range[0] + half];
}

function magnitude(range: [number, number] | null): number {
  return range ? Math.max(Math.abs(range[0]), Math.abs(range[1])) : 0;
}

/** How far the value axis reaches: the largest value drawn, or the largest stack of them. */
function valueReach(drawn: Reshaped, xName: string, y: string, band: [string, string] | undefined, stacked: boolean): number {
  const bandTable = drawn.extra ?? drawn.table;
  const banded = band ? Math.max(magnitude(extent(band[0], [bandTable])), magnitude(extent(band[1], [bandTable]))) : 0;
  const values = drawn.table.getChild(y);
  if (!values || !isNumericType(values.type)) return banded;
  if (!stacked) return Math.max(banded, magnitude((drawn.yExtent ??= extent(y, [drawn.table]))));
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
