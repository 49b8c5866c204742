/**
 * `table()`: a virtualized grid over the Arrow table the server sent. Only the rows in view are in
 * the DOM (any number of rows scrolls at the same cost); the header is sticky; columns resize by
 * dragging their edge; a header click sorts (here for small tables, on the server for large ones,
 * which then sends the row order); "Download CSV" saves the rows in the order shown.
 */
import type { Table, Vector } from "apache-arrow";
import { useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import type { RendererProps } from "@dash/runtime/client/app.tsx";
import type { Json } from "@dash/runtime/protocol.ts";
import { useDash } from "@dash/runtime/client/context.ts";
import { tableOf, useChunk, useDataArrivals, type DataChunk } from "./data.ts";

interface ColumnSpec {
  name: string;
  type: "number" | "bigint" | "date" | "bool" | "string";
  label?: string;
  width?: number;
  format?: string | Record<string, string | number | boolean>;
  display?: Json;
}

type Sort = { column: string; desc: boolean } | null;

const rowHeight = 32;
/** Browsers cap element heights (~16–33M px); past this the scroll position maps to rows. */
const maxScroll = 8_000_000;
const overscan = 3;

export function DataTable({ node }: RendererProps) {
  const p = node.props;
  const { store, send } = useDash();
  const chunk = useChunk();
  useDataArrivals();
  const columns = (Array.isArray(p.columns) ? p.columns : []) as unknown as ColumnSpec[];
  const rows = typeof p.rows === "number" ? p.rows : 0;
  const height = typeof p.height === "number" ? p.height : 400;
  const serverSort = p.serverSort === true;
  const [localSort, setLocalSort] = useState<Sort>(null);
  const sort: Sort = serverSort ? ((p.value as Sort) ?? null) : localSort;
  const [pending, setPending] = useState<Sort | undefined>(undefined);
  const [widths, setWidths] = useState<Record<string, number>>({});
  // Scrolling does not re-render: the scroll handler writes the pooled rows directly.
  const scrollTop = useRef(0);
  const pool = useRef<HTMLDivElement>(null);

  // A big table arrives in two parts: its first rows with the page, then all of it.
  const full = chunk ? tableOf(store, chunk, p.data) : undefined;
  const table = full ?? (chunk && p.head ? tableOf(store, chunk, p.head) : undefined);
  const partial = !full && table !== undefined;
  const orderTable = serverSort && chunk && p.order ? tableOf(store, chunk, p.order) : undefined;
  const serverOrder = useMemo(() => orderTable?.getChild("index")?.toArray() as Uint32Array | undefined, [orderTable]);
  // A local sort needs every row: while a big table is still arriving it waits for the rest.
  const localOrder = useMemo(() => (!serverSort && full && localSort ? sortRows(full, localSort) : undefined), [full, localSort, serverSort]);
  const order = serverSort ? (sort ? serverOrder : undefined) : localOrder;
  const formatters = useMemo(() => (chunk ? columns.map((c) => formatter(chunk, c)) : []), [chunk, p.columns]);
  const vectors = useMemo(() => (table ? columns.map((c) => table.getChild(c.name)) : []), [table, p.columns]);
  const displays = useMemo(
    () => (chunk ? columns.map((c) => (c.display ? tableOf(store, chunk, c.display)?.getChild("text") : null)) : []),
    [chunk, p.columns, table],
  );
  // What the rows show; a new object (any of these changed) repaints every row.
  const content = useMemo<Content | undefined>(
    () => (table ? { order, vectors, formatters, displays, types: columns.map((c) => c.type), available: table.numRows } : undefined),
    [table, order, vectors, formatters, displays],
  );
  const body = Math.max(rowHeight, height - rowHeight - 2);
  const geometry: Geometry = { rows, body };
  const geometryRef = useRef(geometry);
  geometryRef.current = geometry;
  const contentRef = useRef(content);
  contentRef.current = content;
  useLayoutEffect(() => paintRows(pool.current, content, geometry, scrollTop.current));

  if (typeof p.error === "string") {
    return (
      <div class="dash-table-error" role="alert">
        <strong>Cannot show this table.</strong> {p.error}
      </div>
    );
  }

  // Columns the viewer resized (or the author sized) are fixed; the others share the rest.
  const widthOf = (c: ColumnSpec): number => widths[c.name] ?? c.width ?? (c.type === "string" ? 110 : 90);
  const template = columns.map((c) => ((widths[c.name] ?? c.width) ? `${widthOf(c)}px` : `minmax(${widthOf(c)}px, 1fr)`)).join(" ");
  const totalWidth = columns.reduce((sum, c) => sum + widthOf(c), 0);
  const spacer = Math.min(rows * rowHeight, maxScroll);
  const slots = Math.min(rows, Math.ceil(body / rowHeight) + 1 + 2 * overscan + 1);

  const clickSort = (column: string): void => {
    if (p.sortable === false) return;
    const now = serverSort && pending !== undefined ? pending : sort; // a click before the server answered builds on the last one
    const next: Sort = !now || now.column !== column ? { column, desc: false } : !now.desc ? { column, desc: true } : null;
    if (serverSort) {
      setPending(next);
      send({ t: "set", id: String(p.id), value: next });
    } else setLocalSort(next);
  };
  const waiting = serverSort && pending !== undefined && JSON.stringify(pending) !== JSON.stringify(sort ?? null);

  const startResize =
    (column: ColumnSpec) =>
    (event: PointerEvent): void => {
      event.preventDefault();
      event.stopPropagation();
      const startX = event.clientX;
      const start = (event.currentTarget as HTMLElement).parentElement?.getBoundingClientRect().width ?? widthOf(column);
      const move = (e: PointerEvent): void => setWidths((w) => ({ ...w, [column.name]: Math.max(48, Math.round(start + e.clientX - startX)) }));
      const up = (): void => {
        window.removeEventListener("pointermove", move);
        window.removeEventListener("pointerup", up);
      };
      window.addEventListener("pointermove", move);
      window.addEventListener("pointerup", up);
    };

  // A fixed pool of rows, never reordered: paintRows gives each slot its row, text and offset.
  const rowsOut = [];
  if (table) {
    for (let slot = 0; slot < slots; slot++) {
      rowsOut.push(
        <div key={slot} class="dash-grid-row" role="row" style={{ gridTemplateColumns: template }}>
          {columns.map((c) => (
            <div key={c.name} class={`dash-cell ${c.type}`} role="gridcell" />
          ))}
        </div>,
      );
    }
  }

  return (
    <div class="dash-table">
      <div class="dash-table-bar">
        <span class="dash-muted">
          {rows.toLocaleString()} row{rows === 1 ? "" : "s"}
          {waiting ? " · sorting…" : ""}
          {partial ? ` · loading all rows (first ${table.numRows.toLocaleString()} shown)…` : ""}
        </span>
        <button type="button" class="dash-table-download" disabled={!full} onClick={() => full && downloadCsv(full, columns, order)}>
          Download CSV
        </button>
      </div>
      <div
        class="dash-grid"
        role="grid"
        aria-rowcount={rows + 1}
        aria-colcount={columns.length}
        aria-busy={!table || waiting}
        tabIndex={0}
        style={{ height: `${height}px` }}
        onScroll={(e) => {
          scrollTop.current = e.currentTarget.scrollTop;
          paintRows(pool.current, contentRef.current, geometryRef.current, scrollTop.current);
        }}
      >
        <div class="dash-grid-head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template, minWidth: `${totalWidth}px` }}>
          {columns.map((c) => {
            const shown = waiting ? pending : sort;
            const sorted = shown?.column === c.name ? (shown.desc ? "descending" : "ascending") : "none";
            return (
              <div key={c.name} class={`dash-head-cell ${c.type}`} role="columnheader" aria-sort={sorted}>
                <button type="button" class="dash-head-sort" disabled={p.sortable === false} onClick={() => clickSort(c.name)} title={c.label ?? c.name}>
                  {c.label ?? c.name}
                  <span class="dash-sort-mark" aria-hidden="true">
                    {sorted === "ascending" ? "▲" : sorted === "descending" ? "▼" : ""}
                  </span>
                </button>
                <span
                  class="dash-resize"
                  role="separator"
                  aria-orientation="vertical"
                  aria-label={`Resize ${c.label ?? c.name}`}
                  onPointerDown={startResize(c)}
                />
              </div>
            );
          })}
        </div>
        <div class="dash-grid-body" ref={pool} style={{ height: `${spacer}px`, minWidth: `${totalWidth}px` }}>
          {table ? rowsOut : <div class="dash-grid-loading">Loading {rows.toLocaleString()} rows…</div>}
        </div>
      </div>
    </div>
  );
}

/** What the pooled rows show. */
interface Content {
  /** Rows the browser holds (fewer than the table's while a big table is still arriving). */
  available: number;
  order: ArrayLike<number> | undefined;
  vectors: (Vector | null)[];
  formatters: ((value: unknown) => string | null)[];
  displays: (Vector | null | undefined)[];
  types: ColumnSpec["type"][];
}

interface Geometry {
  rows: number;
  /** Height of the rows' viewport (px). */
  body: number;
}

/** Per pooled row element: the content and row it shows now. */
const painted = new WeakMap<Element, { content: Content; row: number; top: number }>();

/**
 * Put rows first…last of the view into the pooled row elements (row i in slot i % slots, so a
 * scroll of one row rewrites one slot), writing only what changed and reading no layout.
 */
function paintRows(container: HTMLElement | null, content: Content | undefined, g: Geometry, scrollTop: number): void {
  if (!container || !content) return;
  const elements = container.children;
  const slots = elements.length;
  if (!slots || !(elements[0] as HTMLElement).classList.contains("dash-grid-row")) return;
  const full = g.rows * rowHeight;
  const spacer = Math.min(full, maxScroll);
  const visible = Math.ceil(g.body / rowHeight) + 1;
  // Exact position of the top of the view, in rows (scaled when the spacer is capped).
  const firstExact = full <= maxScroll ? scrollTop / rowHeight : (scrollTop / Math.max(1, spacer - g.body)) * Math.max(0, g.rows - g.body / rowHeight);
  const first = Math.max(0, Math.floor(firstExact) - overscan);
  const last = Math.min(g.rows, Math.floor(firstExact) + visible + overscan, first + slots);
  for (let slot = 0; slot < slots; slot++) {
    const element = elements[slot] as HTMLElement;
    const i = first + ((((slot - first) % slots) + slots) % slots);
    if (i >= last) {
      // A spare slot (the view needs fewer rows than the pool holds).
      if (element.style.display !== "none") {
        element.style.display = "none";
        element.removeAttribute("aria-rowindex");
      }
      painted.delete(element);
      continue;
    }
    if (element.style.display === "none") element.style.display = "";
    const state = painted.get(element);
    const top = full <= maxScroll ? i * rowHeight : scrollTop + (i - firstExact) * rowHeight;
    if (state?.top !== top) element.style.transform = `translateY(${top}px)`;
    if (state?.content === content && state.row === i) {
      state.top = top;
      continue;
    }
    painted.set(element, { content, row: i, top });
    element.setAttribute("aria-rowindex", String(i + 2));
    const row = content.order ? content.order[i]! : i;
    const cells = element.children;
    for (let ci = 0; ci < cells.length; ci++) {
      const cell = cells[ci] as HTMLElement;
      const display = content.displays[ci];
      const loading = row >= content.available;
      const value = loading ? undefined : ((display ?? content.vectors[ci])?.get(row) as unknown);
      const text = loading ? "…" : ((display ? (value as string | null) : content.formatters[ci]?.(value)) ?? "null");
      const className = `dash-cell ${content.types[ci]}${value === null || value === undefined ? " null" : ""}`;
      if (cell.className !== className) cell.className = className;
      const node = cell.firstChild;
      if (node instanceof Text) {
        if (node.data !== text) node.data = text;
      } else cell.textContent = text;
    }
  }
}

/** How a column's values are shown. */
function formatter(chunk: DataChunk, column: ColumnSpec): (value: unknown) => string | null {
  const f = column.format;
  if (column.type === "number" || column.type === "bigint") {
    const intl = typeof f === "object" && f ? new Intl.NumberFormat(undefined, f as Intl.NumberFormatOptions) : null;
    const d3 = typeof f === "string" ? chunk.numberFormat(f) : null;
    const plain = new Intl.NumberFormat(undefined, { maximumFractionDigits: 4, useGrouping: false });
    return (value) => {
      if (value === null || value === undefined) return null;
      if (typeof value === "bigint") return d3 || intl ? (d3 ? d3(Number(value)) : intl!.format(value)) : value.toString();
      const n = Number(value);
      if (Number.isNaN(n)) return "NaN";
      return d3 ? d3(n) : intl ? intl.format(n) : plain.format(n);
    };
  }
  if (column.type === "date") {
    const d3 = typeof f === "string" ? chunk.utcFormat(f) : null;
    const intl = typeof f === "object" && f ? new Intl.DateTimeFormat(undefined, { timeZone: "UTC", ...(f as Intl.DateTimeFormatOptions) }) : null;
    return (value) => {
      if (value === null || value === undefined) return null;
      const date = value instanceof Date ? value : new Date(Number(value));
      if (Number.isNaN(+date)) return "Invalid date";
      if (d3) return d3(date);
      if (intl) return intl.format(date);
      const iso = date.toISOString();
      return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.slice(0, 19).replace("T", " ");
    };
  }
  return (value) => (value === null || value === undefined ? null : typeof value === "object" ? JSON.stringify(value) : String(value));
}

/** Row order for a local sort (nulls last). */
function sortRows(table: Table, sort: NonNullable<Sort>): Uint32Array {
  const vector = table.getChild(sort.column) as Vector | null;
  const n = table.numRows;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (!vector) return order;
  const values = Array.from({ length: n }, (_, i) => {
    const v = vector.get(i) as unknown;
    return v === null || v === undefined ? null : typeof v === "bigint" ? Number(v) : v instanceof Date ? +v : (v as number | string);
  });
  const sign = sort.desc ? -1 : 1;
  order.sort((a, b) => {
    const va = values[a]!;
    const vb = values[b]!;
    if (va === null) return vb === null ? a - b : 1;
    if (vb === null) return -1;
    return (va < vb ? -1 : va > vb ? 1 : 0) * sign || a - b;
  });
  return order;
}

function downloadCsv(table: Table, columns: ColumnSpec[], order: ArrayLike<number> | undefined): void {
  const quote = (value: unknown): string => {
    if (value === null || value === undefined) return "";
    const text = value instanceof Date ? value.toISOString() : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const vectors = columns.map((c) => ({ vector: table.getChild(c.name), date: c.type === "date" }));
  const parts: string[] = [columns.map((c) => quote(c.name)).join(",") + "\n"];
  let lines: string[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const row = order ? order[i]! : i;
    lines.push(
      vectors
        .map(({ vector, date }) => {
          const value = vector?.get(row) as unknown;
          return quote(date && value !== null && value !== undefined ? new Date(Number(value)) : value);
        })
        .join(","),
    );
    if (lines.length === 10_000) {
      parts.push(lines.join("\n") + "\n");
      lines = [];
    }
  }
  if (lines.length) parts.push(lines.join("\n") + "\n");
  const url = URL.createObjectURL(new Blob(parts, { type: "text/csv" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = "table.csv";
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
