/**
 * The tooltip of a line chart with several series: hovering shows every series' value at the x
 * under the pointer (as Grafana and Streamlit do), with a rule across the chart and a dot on each
 * line, instead of Plot's tooltip for the one nearest point.
 */
import { useEffect, useState } from "preact/hooks";
import type { RefObject } from "preact";
import type { Json } from "@dash/runtime/protocol.ts";

/** Where a multi-series line chart's values are: its data and the columns of its long table. */
export interface SeriesLines {
  data: Json;
  x: string;
  y: string;
  series: string;
  /** The x axis: dates ("utc") or numbers ("linear"). */
  time: boolean;
  /** Whole years along x, written without a thousands separator. */
  years: boolean;
}

/**
 * The series lines of a quick line chart's spec, or null when it draws one line or its x is not
 * continuous (Plot's own tooltip then serves). The server draws several series as one `lineY`
 * whose `stroke` is the series column.
 */
export function seriesLinesOf(spec: Json | undefined): SeriesLines | null {
  if (!spec || typeof spec !== "object" || Array.isArray(spec)) return null;
  const axis = spec.x as { type?: Json; tickFormat?: Json } | undefined;
  if (axis?.type !== "utc" && axis?.type !== "linear") return null;
  const marks = (Array.isArray(spec.marks) ? spec.marks : []) as { mark?: Json; data?: Json; options?: Record<string, Json> }[];
  const line = marks.find((m) => m.mark === "lineY");
  const o = line?.options;
  if (marks.length !== 1 || !line || !o || typeof o.x !== "string" || typeof o.y !== "string" || typeof o.stroke !== "string" || o.stroke.startsWith("var("))
    return null;
  return { data: line.data ?? null, x: o.x, y: o.y, series: o.stroke, time: axis.type === "utc", years: axis.tickFormat === "d" };
}

interface Point {
  xs: Float64Array;
  ys: Float64Array;
}
interface Row {
  name: string;
  color: string;
  value: string;
  /** The dot's top, in the chart's box. */
  top: number;
  nearest: boolean;
}
interface Hover {
  x: string;
  left: number;
  top: number;
  height: number;
  /** The box goes to the left of the rule (near the chart's right edge). */
  flip: boolean;
  rows: Row[];
}

interface Scale {
  type?: string;
  domain?: unknown[];
  range?: number[];
  apply(value: unknown): number;
  invert?(value: number): unknown;
}
type Figure = Element & { scale?(name: string): Scale | undefined };
type Columns = { getChild(name: string): { length: number; get(i: number): unknown } | null };

/** Each series' points sorted by x (NaNs and nulls left out), per decoded table. */
const indexes = new WeakMap<object, Map<string, Point>>();

function indexOf(table: Columns, lines: SeriesLines): Map<string, Point> {
  const known = indexes.get(table);
  if (known) return known;
  const x = table.getChild(lines.x);
  const y = table.getChild(lines.y);
  const s = table.getChild(lines.series);
  const pairs = new Map<string, [number, number][]>();
  if (x && y && s)
    for (let i = 0; i < x.length; i++) {
      const xv = Number(x.get(i));
      const yv = y.get(i);
      if (yv === null || yv === undefined || Number.isNaN(xv) || Number.isNaN(Number(yv))) continue;
      const name = String(s.get(i));
      let list = pairs.get(name);
      if (!list) pairs.set(name, (list = []));
      list.push([xv, Number(yv)]);
    }
  const index = new Map<string, Point>();
  for (const [name, list] of pairs) {
    list.sort((a, b) => a[0] - b[0]);
    index.set(name, { xs: Float64Array.from(list, (p) => p[0]), ys: Float64Array.from(list, (p) => p[1]) });
  }
  indexes.set(table, index);
  return index;
}

/** The index of the x in sorted `xs` nearest to `x`. */
function nearest(xs: Float64Array, x: number): number {
  let low = 0;
  let high = xs.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (xs[mid]! < x) low = mid + 1;
    else high = mid;
  }
  return low > 0 && x - xs[low - 1]! <= xs[low]! - x ? low - 1 : low;
}

const pad = (n: number): string => String(n).padStart(2, "0");

function formatX(value: number, lines: SeriesLines): string {
  if (lines.years) return String(Math.round(value));
  if (!lines.time) return value.toLocaleString("en-US");
  const d = new Date(value);
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  if (value % 86_400_000 === 0) return day;
  const seconds = d.getUTCSeconds() || d.getUTCMilliseconds() ? `:${pad(d.getUTCSeconds())}` : "";
  return `${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${seconds}`;
}

/** A series' point farther than this from the x shown (in pixels) is not listed. */
const reach = 8;

/** What to show for the pointer at `event` over the figure in `box`, or null (outside the plot). */
function hoverAt(box: HTMLElement, event: PointerEvent, lines: SeriesLines, table: Columns): Hover | null {
  const figure = box.firstElementChild as Figure | null;
  const svg = figure?.tagName.toLowerCase() === "svg" ? figure : figure?.querySelector(":scope > svg");
  const xScale = figure?.scale?.("x");
  const yScale = figure?.scale?.("y");
  const color = figure?.scale?.("color");
  if (!svg || !xScale?.invert || !xScale.range || !yScale?.range) return null;
  const frame = svg.getBoundingClientRect();
  const k = frame.width / (Number(svg.getAttribute("width")) || frame.width);
  const px = (event.clientX - frame.left) / k;
  const [left, right] = [Math.min(...xScale.range), Math.max(...xScale.range)];
  if (px < left - reach || px > right + reach) return null;
  const at = Number(xScale.invert(px));
  const index = indexOf(table, lines);
  // The x shown: the data's x nearest the pointer, over all series.
  let shown = NaN;
  for (const { xs } of index.values()) {
    if (!xs.length) continue;
    const x = xs[nearest(xs, at)]!;
    if (Number.isNaN(shown) || Math.abs(x - at) < Math.abs(shown - at)) shown = x;
  }
  if (Number.isNaN(shown)) return null;
  const ruleX = xScale.apply(shown);
  const names = (color?.domain as unknown[] | undefined)?.map(String) ?? [...index.keys()];
  const origin = (box.parentElement ?? box).getBoundingClientRect();
  const dx = frame.left - origin.left;
  const dy = frame.top - origin.top;
  const pointerY = (event.clientY - frame.top) / k;
  const rows: Row[] = [];
  for (const name of names) {
    const points = index.get(name);
    if (!points?.xs.length) continue;
    const i = nearest(points.xs, shown);
    if (Math.abs(xScale.apply(points.xs[i]!) - ruleX) > reach) continue;
    const value = points.ys[i]!;
    rows.push({
      name,
      color: color ? String(color.apply(name)) : "currentColor",
      value: value.toLocaleString("en-US"),
      top: dy + yScale.apply(value) * k,
      nearest: false,
    });
  }
  let closest: Row | undefined;
  for (const row of rows) if (!closest || Math.abs(row.top - dy - pointerY * k) < Math.abs(closest.top - dy - pointerY * k)) closest = row;
  if (closest) closest.nearest = true;
  const [top, bottom] = [Math.min(...yScale.range), Math.max(...yScale.range)];
  const leftInBox = dx + ruleX * k;
  return { x: formatX(shown, lines), left: leftInBox, top: dy + top * k, height: (bottom - top) * k, flip: leftInBox > origin.width * 0.6, rows };
}

/** The rule, dots and value list shown while the pointer is over a multi-series line chart. */
export function SeriesTip({ box, lines, table }: { box: RefObject<HTMLDivElement>; lines: SeriesLines; table: () => Columns | undefined }) {
  const [hover, setHover] = useState<Hover | null>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const move = (event: PointerEvent): void => {
      const data = table();
      setHover(data ? hoverAt(element, event, lines, data) : null);
    };
    const leave = (): void => setHover(null);
    element.addEventListener("pointermove", move);
    element.addEventListener("pointerleave", leave);
    return () => {
      element.removeEventListener("pointermove", move);
      element.removeEventListener("pointerleave", leave);
    };
  }, [box, lines, table]);
  if (!hover) return null;
  return (
    <div class="dash-series-tip-layer">
      <div class="dash-series-rule" aria-hidden="true" style={{ left: `${hover.left}px`, top: `${hover.top}px`, height: `${hover.height}px` }} />
      {hover.rows.map((row) => (
        <div key={row.name} class="dash-series-dot" aria-hidden="true" style={{ left: `${hover.left}px`, top: `${row.top}px`, background: row.color }} />
      ))}
      <div
        class={`dash-series-tip${hover.flip ? " flip" : ""}`}
        role="tooltip"
        style={hover.flip ? { right: `calc(100% - ${hover.left - 12}px)`, top: `${hover.top}px` } : { left: `${hover.left + 12}px`, top: `${hover.top}px` }}
      >
        <div class="dash-series-tip-x">
          <span class="dash-series-name">{lines.x}</span> {hover.x}
        </div>
        {hover.rows.map((row) => (
          <div key={row.name} class={`dash-series-tip-row${row.nearest ? " nearest" : ""}`}>
            <span class="dash-series-swatch" style={{ background: row.color }} />
            <span class="dash-series-name">{row.name}</span>
            <span class="dash-series-value">{row.value}</span>
          </div>
        ))}
      </div>
    </div>
  );
}
