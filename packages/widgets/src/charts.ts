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
import type { Props } from "@dash/runtime/protocol.ts";
import { runSlot } from "@dash/runtime/run.ts";
import { scopeOf, type Scope } from "@dash/runtime/scope.ts";
import { build } from "./chartSpec.ts";
import { DataError, type DataInput } from "./data.ts";
import { staleProp } from "./live.ts";
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

const defaults = { height: 300, width: 960 };

export type ChartKind = "line" | "area" | "bar" | "scatter";
type Kind = ChartKind;

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
  });
}
