/**
 * Charts (`lineChart`…, widget type "chart") and `plot()` figures: the spec the server built,
 * drawn by Observable Plot from the lazy data chunk at the element's width, redrawn on resize.
 * A downsampled chart reports its width back (its widget value) when it differs enough from the
 * columns the server used, so the server can downsample to the new width.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import type { RendererProps } from "@dash/runtime/client/app.tsx";
import type { Json } from "@dash/runtime/protocol.ts";
import { useDash } from "@dash/runtime/client/context.ts";
import { chartWidget, type ChartProps } from "../widget.ts";
import { tableOf, useChunk, useDataArrivals } from "./data.ts";
import { SeriesTip, seriesLinesOf } from "./seriesTip.tsx";

/** A quick chart (line, area, bar, scatter). */
export function Chart({ node }: RendererProps) {
  return <Figure props={chartWidget.propsOf(node)} report />;
}

/** A `plot(spec)` figure: an element, not a widget; its props are a chart's figure props (plot.ts). */
export function PlotView({ node }: RendererProps) {
  return <Figure props={node.props as FigureProps} report={false} />;
}

/** What a figure reads: a chart's props (a plot has no `chart`, `id` or `columns`). */
type FigureProps = Partial<ChartProps> & { id?: string };

function Figure({ props: p, report }: { props: FigureProps; report: boolean }) {
  const { store, send } = useDash();
  const chunk = useChunk();
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [failure, setFailure] = useState<string | null>(null);
  const [waiting, setWaiting] = useState(true);
  // A line chart of several series gets a tooltip listing them all at the x under the pointer
  // (seriesTip.tsx), drawn over a figure without Plot's own tooltip for the nearest point.
  const lines = useMemo(() => (p.chart === "line" ? seriesLinesOf(p.spec) : null), [p.chart, p.spec]);
  const spec = useMemo(() => (lines && p.spec ? (withoutTips(p.spec) ?? p.spec) : p.spec), [lines, p.spec]);
  const linesTable = useCallback(() => (lines && chunk ? tableOf(store, chunk, lines.data) : undefined), [lines, chunk, store]);
  const height = p.height;

  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    setWidth(Math.floor(element.clientWidth));
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => setWidth(Math.floor(element.clientWidth)));
    });
    observer.observe(element);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
    };
  }, []);

  // Draw (again) when the spec, the width, the chunk or the data change; before the browser
  // paints, so that a rerun shows all its charts new in the same frame as the rest of the page.
  const missing = chunk && spec ? chunk.missingData(spec, (hash) => store.bytes(hash) !== undefined) : [];
  useDataArrivals(missing);
  useLayoutEffect(() => {
    const element = box.current;
    if (!element || !chunk || !spec || width <= 0 || p.error || missing.length) return;
    // A figure is first drawn without its tooltips (about a fifth of Plot's work); the first
    // pointer movement over it draws it again with them, before Plot needs them.
    const draw = (tips: boolean): Element => {
      const bare = tips ? null : withoutTips(spec);
      const figure = chunk.renderPlot(bare ?? spec, (hash) => store.decode(hash, chunk.decodeTable), { width, height });
      hoistStyles(figure);
      if (bare) tipless.add(figure);
      return figure;
    };
    // A figure drawn before for the same spec (its data by hash) and size is shown again as it
    // was: going back to a state, a page or a time range seen a moment ago redraws nothing.
    const key = `${width}×${height ?? ""}:${JSON.stringify(spec)}`;
    let figure: Element;
    try {
      figure = figures.take(key) ?? draw(false);
      element.replaceChildren(figure);
      figures.keep(key, figure);
      element.dataset.width = String(width);
      setFailure(null);
      setWaiting(false);
    } catch (error) {
      element.replaceChildren();
      setFailure(error instanceof Error ? error.message : String(error));
      return;
    }
    if (!tipless.has(figure)) return;
    const withTips = (): void => {
      if (element.firstChild !== figure) return;
      try {
        const full = draw(true);
        element.replaceChildren(full);
        figures.keep(key, full);
      } catch {
        // The figure without tooltips stays.
      }
    };
    element.addEventListener("pointermove", withTips, { once: true });
    return () => element.removeEventListener("pointermove", withTips);
  }, [chunk, spec, width, height, p.error, missing.length]);

  // Ask the server for a finer (or lighter) downsample when our width differs from its columns.
  const columns = p.columns ?? 0;
  useEffect(() => {
    if (!report || !columns || width <= 0) return;
    if (width <= columns * 1.15 && width >= columns / 2) return;
    const timer = setTimeout(() => send({ t: "set", id: String(p.id), value: width }), 250);
    return () => clearTimeout(timer);
  }, [report, columns, width, p.id]);

  const error = p.error ?? failure;
  return (
    <div class={`dash-chart${error ? " has-error" : ""}`} role="figure" aria-label={p.title ?? "Chart"}>
      {p.title !== undefined ? <div class="dash-chart-title">{p.title}</div> : null}
      {error ? (
        <div class="dash-chart-error" role="alert">
          <strong>Cannot draw this chart.</strong> {error}
        </div>
      ) : null}
      {!error && waiting ? <div class="dash-chart-loading" aria-hidden="true" style={{ height: `${height ?? 300}px` }} /> : null}
      {/* Observable Plot owns this box's children. */}
      <div class="dash-chart-plot" ref={box} hidden={!!error} />
      {lines && !error ? <SeriesTip box={box} lines={lines} table={linesTable} /> : null}
      {p.note !== undefined ? <div class="dash-chart-note">{p.note}</div> : null}
    </div>
  );
}

/** Figures drawn without their tooltips (see `withoutTips`). */
const tipless = new WeakSet<Element>();

/** The spec without pointer tooltips (marks' `tip` options, pointer `tip` marks), or null if it has none. */
export function withoutTips(spec: Json): Json | null {
  const { marks, ...rest } = spec as { marks?: Json[] } & Record<string, Json>;
  let found = false;
  const kept: Json[] = [];
  for (const item of marks ?? []) {
    const mark = item as { mark?: string; options?: Record<string, Json> };
    // (A `tip` mark without a pointer transform is a callout that is always shown: it stays.)
    const pointer = typeof mark.options?.$fn === "string" && mark.options.$fn.startsWith("pointer");
    if (mark.mark === "tip" && pointer) found = true;
    else if (mark.mark !== "tip" && mark.options && "tip" in mark.options) {
      found = true;
      const { tip: _tip, ...options } = mark.options;
      kept.push({ ...mark, options } as Json);
    } else kept.push(item);
  }
  return found ? { ...rest, marks: kept } : null;
}

/** Style sheets Plot's figures brought, already in the document's head. */
const hoisted = new Set<string>();

/**
 * Plot puts the same small `<style>` in every figure it draws. A style sheet entering or leaving
 * the page makes the browser recompute the style of the whole page, so each distinct one goes to
 * the document's head once and the figures carry none.
 */
function hoistStyles(figure: Element): void {
  for (const style of Array.from(figure.querySelectorAll("style"))) {
    const text = style.textContent ?? "";
    if (!hoisted.has(text)) {
      hoisted.add(text);
      const sheet = document.createElement("style");
      sheet.textContent = text;
      document.head.append(sheet);
    }
    style.remove();
  }
}

/** Figures drawn lately, by spec and size; one not on the page can be shown again. */
const figures = {
  limit: 32,
  byKey: new Map<string, Element>(),
  take(key: string): Element | undefined {
    const figure = this.byKey.get(key);
    if (!figure || figure.isConnected) return undefined;
    // Hide a tooltip the figure showed when it left the page.
    figure.querySelector("svg")?.dispatchEvent(new PointerEvent("pointerleave"));
    return figure;
  },
  keep(key: string, figure: Element): void {
    this.byKey.delete(key);
    this.byKey.set(key, figure);
    for (const old of this.byKey.keys()) {
      if (this.byKey.size <= this.limit) break;
      this.byKey.delete(old);
    }
  },
};
