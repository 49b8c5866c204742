/**
 * `plot(spec)` and the `Plot` mirror: Observable Plot's mark and transform constructors, built on
 * the server as a serializable spec and drawn by the real Observable Plot in the browser.
 *
 * ```ts
 * import * as dash from "dash";
 * import { Plot } from "dash";
 * dash.plot({
 *   marks: [Plot.lineY(pollution, { x: "year", y: "pm10", stroke: "site", tip: true }), Plot.ruleY([0])],
 *   y: { grid: true }, color: { legend: true },
 * });
 * ```
 *
 * Mark data travels as Arrow IPC (sent once per browser). A channel given as a function is
 * evaluated here over the rows and sent as a column; any other function (a comparator, a
 * `tickFormat`, a reducer) cannot cross the wire and is refused with a message naming the option.
 */
import { Table } from "apache-arrow";
import type { Json, Props } from "@dash/runtime/protocol.ts";
import { scopeOf, type Scope } from "@dash/runtime/scope.ts";
import { staleProp } from "./live.ts";
import { DataError, dataRef, isTable, maybeTable } from "./data.ts";
import { callNames, channelNames, markNames, optionsOnly } from "./plotNames.ts";

/** A mark as built on the server: the constructor's name and its arguments. */
export class PlotMark {
  constructor(
    readonly mark: string,
    readonly data: unknown,
    readonly options: Record<string, unknown> | undefined,
  ) {}
  /** Like Observable Plot's `mark.plot(options)`: a spec with this mark. */
  plot(options: PlotOptions = {}): PlotSpec {
    return { ...options, marks: [...(options.marks ?? []), this] };
  }
}

/** Top-level options of a figure: `marks`, scales (`x`, `y`, `color`…), `title`, sizes… */
export interface PlotOptions {
  marks?: (PlotMark | PlotMark[] | null | undefined | false)[];
  [option: string]: unknown;
}
export type PlotSpec = PlotOptions;

/** A transform (or other helper) call, kept as its name and arguments; spreads like an options object. */
export interface PlotCall {
  $fn: string;
  args: unknown[];
  [option: string]: unknown;
}

type MarkFn = (data?: unknown, options?: Record<string, unknown>) => PlotMark;
type CallFn = (...args: unknown[]) => PlotCall;

function makePlot() {
  const marks = {} as Record<(typeof markNames)[number], MarkFn>;
  for (const name of markNames) {
    marks[name] = (data?: unknown, options?: Record<string, unknown>) => {
      if (optionsOnly.has(name) && options === undefined && isPlainObject(data) && !looksLikeColumns(data)) return new PlotMark(name, undefined, data);
      return new PlotMark(name, data, options);
    };
  }
  const calls = {} as Record<(typeof callNames)[number], CallFn>;
  for (const name of callNames) calls[name] = (...args: unknown[]) => ({ $fn: name, args });
  return {
    ...marks,
    ...calls,
    /** `Plot.plot(options)`: the figure's spec, to pass to `dash.plot`. */
    plot: (options: PlotOptions = {}): PlotSpec => options,
    /** `Plot.identity` and `Plot.indexOf`, the channel helpers. */
    identity: { $const: "identity" } as const,
    indexOf: { $const: "indexOf" } as const,
  };
}

/** Observable Plot's constructors, building a spec on the server. See the module comment. */
export const Plot = makePlot();
export type PlotMirror = typeof Plot;

export interface PlotElementOptions {
  /** Height in pixels when the spec sets none (default: Plot's own, 400, or from `aspectRatio`). */
  height?: number;
}

/**
 * Draw an Observable Plot figure: a spec (`{ marks, x, y, color, … }`), a single mark, or a list
 * of marks. The browser draws it with Observable Plot at the element's width.
 * @example dash.plot({ marks: [Plot.dot(cars, { x: "power", y: "economy", stroke: "origin", tip: true })], color: { legend: true } });
 */
export function plot(this: unknown, spec: PlotSpec | PlotMark | PlotMark[], options: PlotElementOptions = {}): void {
  const scope = scopeOf(this);
  const props: Props = {};
  try {
    const normal = normalizeSpec(spec);
    props.spec = serializeSpec(scope, normal);
    const marks = (normal.marks ?? []).flat().filter((mark): mark is PlotMark => mark instanceof PlotMark);
    Object.assign(props, staleProp(...marks.map((mark) => mark.data)));
    if (options.height) props.height = options.height;
  } catch (error) {
    props.error = error instanceof Error ? error.message : String(error);
  }
  scope.add("plot", props);
}

function normalizeSpec(spec: PlotSpec | PlotMark | PlotMark[]): PlotSpec {
  if (spec instanceof PlotMark) return { marks: [spec] };
  if (Array.isArray(spec)) return { marks: spec };
  if (!isPlainObject(spec))
    throw new DataError(`plot() takes a spec like { marks: [Plot.lineY(data, { x: "year", y: "value" })] }, a mark, or a list of marks; got ${typeof spec}.`);
  return spec;
}

/** The spec as JSON: marks with data references, transforms as `{ $fn, args }`. Throws on functions. */
export function serializeSpec(scope: Scope | null, spec: PlotSpec): Json {
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(spec)) {
    if (value === undefined) continue;
    if (key === "marks") continue;
    if (key === "document") continue;
    out[key] = toJson(value, key);
  }
  const marks: Json[] = [];
  for (const mark of (spec.marks ?? []).flat(2)) {
    if (mark === null || mark === undefined || mark === false) continue;
    if (!(mark instanceof PlotMark))
      throw new DataError(
        `marks: every mark must be made with dash's Plot (import { Plot } from "dash"), e.g. Plot.lineY(data, { x, y }); got ${typeof mark === "object" ? "an object" : typeof mark}.`,
      );
    marks.push(serializeMark(scope, mark, marks.length));
  }
  out.marks = marks;
  return out;
}

function serializeMark(scope: Scope | null, mark: PlotMark, index: number): Json {
  const where = `marks[${index}] (Plot.${mark.mark})`;
  const out: { [key: string]: Json } = { mark: mark.mark };
  let table: Table | null = null;
  let rows: (() => ArrayLike<unknown>) | null = null;
  if (mark.data !== undefined && mark.data !== null) {
    if (Array.isArray(mark.data) && mark.data.every((d) => d === null || typeof d !== "object" || d instanceof Date)) {
      // A list of values (Plot.ruleY([0])): small, sent inline.
      if (mark.data.length > 10_000)
        throw new DataError(`${where}: a list of ${mark.data.length} plain values is too long to send inline; pass a table with a named column instead.`);
      out.data = mark.data.map((d, i) => toJson(d, `${where} data[${i}]`));
    } else {
      try {
        table = maybeTable(mark.data);
      } catch (error) {
        throw new DataError(`${where} data: ${(error as Error).message}`);
      }
      const data = mark.data;
      rows = () => (Array.isArray(data) ? data : isTable(data) ? data.toArray() : maybeTable(data).toArray());
    }
  }
  // Channels given as functions are evaluated here, over the rows, into a table of their own
  // that each such channel names a column of: the mark's data stays the author's table (sent once,
  // shared with other marks, not encoded again on a rerun), and only the computed values travel.
  const computed: Record<string, ArrayLike<unknown>> = {};
  const refs: { [key: string]: Json }[] = [];
  const options =
    mark.options === undefined
      ? undefined
      : serializeOptions(mark.options, where, (fn, name) => {
          if (!rows) throw new DataError(`${where} option "${name}" is a function, but the mark has no data to evaluate it over.`);
          const list = rows();
          const values = new Array<unknown>(list.length);
          for (let i = 0; i < list.length; i++) values[i] = (fn as (d: unknown, i: number) => unknown)(list[i], i);
          const column = `$${name}${refs.length ? refs.length + 1 : ""}`;
          computed[column] = values;
          const ref: { [key: string]: Json } = { $column: column };
          refs.push(ref);
          return ref;
        });
  if (table) {
    out.data = scope ? dataRef(scope, table) : { $rows: table.numRows };
    if (refs.length) {
      const values = maybeTable(computed);
      const of = scope ? dataRef(scope, values) : { $rows: values.numRows };
      for (const ref of refs) ref.of = of;
    }
  }
  if (options !== undefined) out.options = options;
  return out;
}

/**
 * Mark or transform options as JSON. Channel functions go through `channel` (which returns the
 * reference to the column of values it made); transforms recurse with their last argument as
 * channel options.
 */
function serializeOptions(options: unknown, where: string, channel: (fn: unknown, name: string) => Json): Json {
  if (!isPlainObject(options)) return toJson(options, where);
  const record = options as Record<string, unknown>;
  const out: { [key: string]: Json } = {};
  if (typeof record.$fn === "string" && Array.isArray(record.args)) {
    const args = record.args as unknown[];
    out.$fn = record.$fn;
    out.args = args.map((arg, i) =>
      i === args.length - 1
        ? serializeOptions(arg, `${where} Plot.${record.$fn}(…) options`, channel)
        : toJson(arg, `${where} Plot.${record.$fn}(…) argument ${i + 1}`),
    );
  }
  for (const [key, value] of Object.entries(record)) {
    if (key === "$fn" || (key === "args" && out.$fn)) continue;
    if (value === undefined) continue;
    if (typeof value === "function") {
      if (!channelNames.has(key))
        throw new DataError(
          `${where} option "${key}" is a function; only channels (x, y, fill, stroke, title…) may be functions, evaluated on the server. Give "${key}" a value that can be sent to the browser (a string, number or object).`,
        );
      out[key] = channel(value, key);
      continue;
    }
    if (key === "channels" && isPlainObject(value)) {
      const channels: { [key: string]: Json } = {};
      for (const [name, spec] of Object.entries(value as Record<string, unknown>))
        channels[name] = typeof spec === "function" ? channel(spec, name) : toJson(spec, `${where} channels.${name}`);
      out[key] = channels;
      continue;
    }
    out[key] =
      isPlainObject(value) && typeof (value as PlotCall).$fn === "string" ? serializeOptions(value, where, channel) : toJson(value, `${where} option "${key}"`);
  }
  return out;
}

/** Plain JSON for option values: Dates become `{ $date }`; functions and other objects are refused. */
function toJson(value: unknown, where: string): Json {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (value === undefined) return null;
  if (typeof value === "number") return Number.isFinite(value) ? value : { $number: String(value) };
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return { $date: +value };
  if (typeof value === "function")
    throw new DataError(
      `${where} is a function${value.name ? ` (${value.name})` : ""}; functions cannot be sent to the browser. Use a value (for formats, a d3-format string like ",.1f").`,
    );
  if (value instanceof PlotMark) throw new DataError(`${where}: a mark can only appear in "marks".`);
  if (Array.isArray(value)) return value.map((v, i) => toJson(v, `${where}[${i}]`));
  if (isTable(value)) throw new DataError(`${where}: a table can only be a mark's data.`);
  if (isPlainObject(value)) {
    const out: { [key: string]: Json } = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined) out[key] = toJson(v, `${where}.${key}`);
    }
    return out;
  }
  throw new DataError(`${where} is ${(value as object).constructor?.name ?? typeof value}, which cannot be sent to the browser.`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function looksLikeColumns(value: Record<string, unknown>): boolean {
  const values = Object.values(value);
  return values.length > 0 && values.every((v) => Array.isArray(v) || ArrayBuffer.isView(v));
}

export { Table };
