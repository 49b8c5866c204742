/**
 * Turns the JSON spec built on the server (`plot.ts`, `charts.ts`) back into an Observable Plot
 * figure: `{ $data }` references become the decoded Arrow tables, `{ $fn, args }` become calls of
 * Plot's transforms, `{ $date }` Dates. Used by the browser's lazy data chunk and, with a small
 * DOM, by the snapshot tests in Node.
 */
import * as Plot from "@observablehq/plot";
import { format as d3Format } from "d3-format";
import type { Json } from "@dash/runtime/protocol.ts";

type Resolve = (hash: string) => unknown;
type PlotModule = Record<string, unknown>;
const plotModule = Plot as unknown as PlotModule;

/** Blobs the spec needs that the browser does not hold (yet). */
export function missingData(spec: Json, has: (hash: string) => boolean): string[] {
  const out: string[] = [];
  const visit = (value: Json): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === "object") {
      if (typeof value.$data === "string") {
        if (!has(value.$data)) out.push(value.$data);
      } else Object.values(value).forEach(visit);
    }
  };
  visit(spec);
  return out;
}

function revive(value: Json, resolve: Resolve): unknown {
  if (Array.isArray(value)) return value.map((v) => revive(v, resolve));
  if (!value || typeof value !== "object") return value;
  if (typeof value.$data === "string") return resolve(value.$data);
  if (typeof value.$column === "string" && value.of) return columnValues(revive(value.of, resolve), value.$column);
  if (typeof value.$date === "number") return new Date(value.$date);
  if (typeof value.$number === "string") return Number(value.$number);
  if (typeof value.$const === "string") return plotFunction(value.$const);
  if (value.$format === "short") return shortNumber;
  if (typeof value.$fn === "string" && Array.isArray(value.args)) {
    const fn = plotFunction(value.$fn) as (...args: unknown[]) => Record<string, unknown>;
    const result = fn(...value.args.map((arg) => revive(arg, resolve)));
    const rest: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) if (key !== "$fn" && key !== "args") rest[key] = revive(v, resolve);
    return Object.keys(rest).length ? { ...result, ...rest } : result;
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = revive(v, resolve);
  return out;
}

const si = d3Format("~s");

/** Big numbers on an axis, short: 2.5M, 1.2B, 1.58T (d3's SI prefixes, with B for billions). */
function shortNumber(value: number): string {
  return si(value).replace("G", "B").replace("k", "K");
}

/** A channel's values computed on the server: a column of the table `of` (as a plain array). */
function columnValues(table: unknown, name: string): unknown {
  const vector = (table as { getChild?: (name: string) => { nullCount: number; toArray(): unknown; toJSON(): unknown } | null } | undefined)?.getChild?.(name);
  if (!vector) throw new Error(`The values of channel ${JSON.stringify(name)} did not arrive.`);
  return vector.nullCount ? vector.toJSON() : vector.toArray();
}

function plotFunction(name: string): unknown {
  const found = Object.prototype.hasOwnProperty.call(plotModule, name) ? plotModule[name] : undefined;
  if (found === undefined) throw new Error(`Observable Plot has no ${JSON.stringify(name)}.`);
  return found;
}

export interface RenderOptions {
  width: number;
  height?: number | undefined;
  /** A document to draw into (Node tests); the browser's by default. */
  document?: Document;
}

/** Draw the figure. Throws Plot's own errors (bad scale type…) for the caller to show. */
export function renderPlot(spec: Json, resolve: Resolve, options: RenderOptions): SVGSVGElement | HTMLElement {
  const { marks: markSpecs, ...rest } = (spec ?? {}) as { marks?: Json[] } & Record<string, Json>;
  const top = revive(rest as Json, resolve) as Record<string, unknown>;
  const marks = (markSpecs ?? []).map((m) => {
    const { mark, data, options: markOptions } = m as { mark: string; data?: Json; options?: Json };
    const make = plotFunction(mark) as (data?: unknown, options?: unknown) => unknown;
    const revived = markOptions === undefined ? undefined : revive(markOptions, resolve);
    return data === undefined || data === null ? make(revived) : make(revive(data, resolve), revived);
  });
  // A time axis keeps at least four ticks on a narrow figure, a number axis three (Plot's default,
  // one per 80 px, leaves a year of days across 200 px with one tick on its first day, and 1990–2016
  // across 170 px with "2000" alone).
  const x = top.x as Record<string, unknown> | undefined;
  const fewest = x?.type === "utc" ? 4 : x?.type === "linear" ? 3 : 0;
  if (x && fewest && x.ticks === undefined) top.x = { ...x, ticks: Math.max(fewest, Math.round(options.width / 80)) };
  const figure = Plot.plot({
    width: options.width,
    ...(options.height ? { height: options.height } : {}),
    ...top,
    marks,
    ...(options.document ? { document: options.document } : {}),
  } as Plot.PlotOptions);
  // An `href` channel's values may come from data a viewer controls: a link is kept only when it
  // goes to an http(s), mailto: or relative address (never javascript:, data: or vbscript:).
  figure.querySelectorAll("a[href]").forEach((link) => {
    if (!safeLink(link.getAttribute("href")!)) link.removeAttribute("href");
  });
  return figure;
}

/** An address a link in a chart may go to: http(s), mailto:, or relative (no scheme). */
export function safeLink(href: string): boolean {
  // Browsers ignore tabs and newlines in a scheme and leading spaces or control characters.
  const bare = [...href].filter((c) => c.charCodeAt(0) > 0x20 && c.charCodeAt(0) !== 0x7f).join("");
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(bare)?.[1];
  return scheme === undefined ? true : /^(https?|mailto)$/i.test(scheme);
}
