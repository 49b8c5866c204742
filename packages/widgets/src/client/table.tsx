/**
 * `table()`: a virtualized grid over the Arrow table the server sent. The rows in view are drawn
 * on a canvas every frame (any number of rows scrolls at the same cost, and a fling never waits
 * for the browser to lay out hundreds of cells); the same rows also sit in the DOM as transparent
 * text under the canvas, rewritten once scrolling pauses, for screen readers, text selection, copy
 * and find-in-page. The header is sticky; columns resize by dragging their edge; a header click
 * sorts (here for small tables, on the server for large ones, which then sends the row order);
 * "Download CSV" saves the rows in the order shown. The keyboard moves an outlined active cell
 * (arrows, Page Up/Down, Home/End), named to screen readers by `aria-activedescendant`; Shift
 * with a move or a click selects the range from it, Ctrl+A the whole table, and Ctrl+C copies the
 * selection as a spreadsheet pastes it. The canvas drawing is in `gridCanvas.ts`, the pooled DOM
 * rows in `tableRows.ts`, formats, the local sort and the CSV download in `tableValues.ts`.
 */
import { useId, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useDash } from "@dash/runtime/client/context.ts";
import { hashOf, tableOf, useChunk, useDataArrivals } from "./data.ts";
import {
  columnEdges,
  fitWidths,
  looksOf,
  maxScroll,
  paintCanvas,
  rangeOf,
  rangeText,
  rowAt,
  rowHeight,
  view,
  type CanvasLayout,
  type Cell,
  type Content,
  type Geometry,
} from "./gridCanvas.ts";
import { keyMove, markActive, paintRows, scrollTopFor, sizeTracks, useGridBox } from "./tableRows.ts";
import { downloadCsv, formatter, sortRows, type ColumnSpec, type Sort } from "./tableValues.ts";
import { tableWidget } from "../widget.ts";

export function DataTable({ node }: RendererProps) {
  const p = tableWidget.propsOf(node);
  const { store, send } = useDash();
  const chunk = useChunk();
  const columns = (Array.isArray(p.columns) ? p.columns : []) as unknown as ColumnSpec[];
  useDataArrivals([p.data, p.head, p.order, ...columns.map((c) => c.display)].map(hashOf).filter((h): h is string => !!h && !store.bytes(h)));
  const rows = p.rows ?? 0;
  const height = p.height;
  const serverSort = p.serverSort === true;
  const [localSort, setLocalSort] = useState<Sort>(null);
  const sort: Sort = serverSort ? p.value : localSort;
  const [pending, setPending] = useState<Sort | undefined>(undefined);
  const [widths, setWidths] = useState<Record<string, number>>({});
  // Scrolling does not re-render: the scroll handler draws the canvas, and rewrites the pooled
  // DOM rows once the scrolling pauses.
  const scroll = useRef({ top: 0, left: 0 });
  const pool = useRef<HTMLDivElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const hover = useRef(-1);
  // The cell the keyboard is on (a row in the order shown, a column), drawn with an outline.
  const active = useRef<Cell | null>(null);
  // The other corner of the selected range, kept while Shift extends it.
  const anchor = useRef<Cell | null>(null);
  // A word in the bar about the last copy (too big a selection).
  const [notice, setNotice] = useState<string | null>(null);
  const cellId = `dash-cell-${useId()}`;
  const settle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  // A big table arrives in two parts: its first rows with the page, then all of it.
  const full = chunk ? tableOf(store, chunk, p.data) : undefined;
  const table = full ?? (chunk && p.head ? tableOf(store, chunk, p.head) : undefined);
  const partial = !full && table !== undefined;
  const orderTable = serverSort && chunk && p.order ? tableOf(store, chunk, p.order) : undefined;
  const serverOrder = useMemo(() => orderTable?.getChild("index")?.toArray() as Uint32Array | undefined, [orderTable]);
  // A local sort needs every row: while a big table is still arriving it waits for the rest.
  const localOrder = useMemo(
    () => (!serverSort && full && localSort ? sortRows(full, localSort, columns.find((c) => c.name === localSort.column)?.type ?? "string") : undefined),
    [full, localSort, serverSort],
  );
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
  // The grid's inner size; the canvas is redrawn when the light/dark switch, the fonts or the zoom change.
  const box = useGridBox(gridRef, () => drawCanvas());
  // Each column is at least as wide as its label and its first rows' text, measured once for a
  // set of columns (so the layout holds still as reruns bring new rows).
  const [fitted, setFitted] = useState<{ key: string; widths: number[] } | null>(null);
  const columnsKey = columns.map((c) => `${c.name}\u0000${c.label ?? ""}`).join("\u0001");
  useLayoutEffect(() => {
    const grid = gridRef.current;
    if (!grid || !content || fitted?.key === columnsKey) return;
    setFitted({ key: columnsKey, widths: fitWidths(content, columns, looksOf(grid)) });
  }, [content, columnsKey]);
  // Columns the viewer resized (or the author sized) are fixed; the others share the rest.
  const widthOf = (c: ColumnSpec, i: number): number =>
    widths[c.name] ?? c.width ?? (fitted?.key === columnsKey ? fitted.widths[i] : undefined) ?? (c.type === "string" ? 110 : 90);
  const tracks = sizeTracks(
    columns.map((c, i) => ({ min: widthOf(c, i), flexible: (widths[c.name] ?? c.width) === undefined })),
    box.width,
  );
  const layout: CanvasLayout = { width: box.width, height: Math.max(0, box.height - rowHeight), tracks };
  const layoutRef = useRef(layout);
  layoutRef.current = layout;
  const drawCanvas = (): void => {
    const grid = gridRef.current;
    const canvas = canvasRef.current;
    if (grid && canvas)
      paintCanvas(canvas, {
        looks: looksOf(grid),
        content: contentRef.current,
        g: geometryRef.current,
        layout: layoutRef.current,
        scroll: scroll.current,
        hover: hover.current,
        active: active.current,
        anchor: anchor.current,
      });
  };
  /** The DOM rows for the view, and the active cell's id for screen readers. */
  const syncRows = (): void => {
    paintRows(pool.current, contentRef.current, geometryRef.current, scroll.current.top);
    markActive(gridRef.current, pool.current, active.current, cellId);
  };
  useLayoutEffect(() => {
    if (active.current && active.current.row >= rows) active.current = rows ? { row: rows - 1, col: active.current.col } : null;
    if (anchor.current && (!active.current || anchor.current.row >= rows)) anchor.current = null;
    syncRows();
    drawCanvas();
  });
  useLayoutEffect(() => () => clearTimeout(settle.current), []);

  if (p.error !== undefined) {
    return (
      <div class="dash-table-error" role="alert">
        <strong>Cannot show this table.</strong> {p.error}
      </div>
    );
  }

  const template = tracks.map((w) => `${w}px`).join(" ");
  const totalWidth = tracks.reduce((sum, w) => sum + w, 0);
  const spacer = Math.min(rows * rowHeight, maxScroll);
  // The rows in view only: the canvas draws every frame of a scroll; these follow once it pauses.
  const slots = Math.min(rows, Math.ceil(body / rowHeight) + 1);

  const clickSort = (column: string): void => {
    if (!p.sortable) return;
    const now = serverSort && pending !== undefined ? pending : sort; // a click before the server answered builds on the last one
    const next: Sort = !now || now.column !== column ? { column, desc: false } : !now.desc ? { column, desc: true } : null;
    if (serverSort) {
      setPending(next);
      send({ t: "set", id: p.id, value: next });
    } else setLocalSort(next);
  };
  const waiting = serverSort && pending !== undefined && JSON.stringify(pending) !== JSON.stringify(sort ?? null);

  /** The row under the pointer (-1: the header, or below the rows' viewport), given the grid's box. */
  const rowUnder = (event: PointerEvent, box: DOMRect): number => {
    const y = event.clientY - box.top - rowHeight;
    return y < 0 || y >= layoutRef.current.height ? -1 : rowAt(geometryRef.current, scroll.current.top, y);
  };

  const pointAt = (event: PointerEvent): void => {
    const grid = gridRef.current;
    if (!grid) return;
    const row = rowUnder(event, grid.getBoundingClientRect());
    if (row !== hover.current) {
      hover.current = row;
      drawCanvas();
    }
  };

  /** The body cell under the pointer, or null (the header, or past the last row or column). */
  const cellAt = (event: PointerEvent): Cell | null => {
    const grid = gridRef.current;
    if (!grid) return null;
    const box = grid.getBoundingClientRect();
    const row = rowUnder(event, box);
    const x = event.clientX - box.left + scroll.current.left;
    const col = columnEdges(layoutRef.current.tracks).findIndex(({ left, right }) => x >= left && x < right);
    return row >= 0 && col >= 0 ? { row, col } : null;
  };

  /** Make `cell` the active one (with `extend`, the selection runs from the range's anchor to it); with `reveal`, scroll it into view first. */
  const moveTo = (cell: Cell, reveal: boolean, extend = false): void => {
    const grid = gridRef.current;
    anchor.current = extend ? (anchor.current ?? active.current ?? cell) : null;
    active.current = cell;
    if (notice) setNotice(null);
    if (grid && reveal) {
      const g = geometryRef.current;
      const { tracks, width } = layoutRef.current;
      const top = scrollTopFor(g, cell.row, grid.scrollTop);
      if (top !== grid.scrollTop) grid.scrollTop = top;
      const { left, right } = columnEdges(tracks)[cell.col]!;
      if (left < grid.scrollLeft) grid.scrollLeft = left;
      else if (right > grid.scrollLeft + width) grid.scrollLeft = right - width;
      scroll.current = { top: grid.scrollTop, left: grid.scrollLeft };
    }
    syncRows();
    drawCanvas();
  };

  const onKey = (event: KeyboardEvent): void => {
    if (!rows || !columns.length || event.target !== gridRef.current) return;
    const page = Math.max(1, Math.floor(geometryRef.current.body / rowHeight) - 1);
    const at = active.current ?? { row: Math.min(rows - 1, Math.ceil(view(geometryRef.current, scroll.current.top).firstExact)), col: 0 };
    const ctrl = event.ctrlKey || event.metaKey;
    if (event.key === "Escape" && active.current) {
      active.current = null;
      anchor.current = null;
      syncRows();
      drawCanvas();
      return;
    }
    if (ctrl && event.key.toLowerCase() === "a") {
      event.preventDefault();
      anchor.current = { row: 0, col: 0 };
      moveTo({ row: rows - 1, col: columns.length - 1 }, false, true);
      return;
    }
    const moved = keyMove(event.key, ctrl, at, { rows, cols: columns.length, page });
    if (!moved) return;
    event.preventDefault();
    // The first key only shows where the keyboard is.
    const next = active.current ? moved : at;
    moveTo({ row: Math.max(0, Math.min(rows - 1, next.row)), col: Math.max(0, Math.min(columns.length - 1, next.col)) }, true, event.shiftKey);
  };

  const startResize =
    (column: ColumnSpec) =>
    (event: PointerEvent): void => {
      event.preventDefault();
      event.stopPropagation();
      const startX = event.clientX;
      const start = (event.currentTarget as HTMLElement).parentElement?.getBoundingClientRect().width ?? widthOf(column, columns.indexOf(column));
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
          {notice ? ` · ${notice}` : ""}
        </span>
        <button type="button" class="dash-table-download" disabled={!full} onClick={() => full && downloadCsv(full, columns, order)}>
          Download CSV
        </button>
      </div>
      <div class="dash-grid-frame" style={{ height: `${height}px` }}>
        <div
          class="dash-grid"
          role="grid"
          ref={gridRef}
          aria-rowcount={rows + 1}
          aria-colcount={columns.length}
          aria-busy={!table || waiting}
          tabIndex={0}
          onScroll={(e) => {
            const grid = e.currentTarget;
            scroll.current = { top: grid.scrollTop, left: grid.scrollLeft };
            drawCanvas();
            clearTimeout(settle.current);
            settle.current = setTimeout(syncRows, settleMs);
          }}
          onPointerMove={pointAt}
          onPointerDown={(e) => {
            const cell = cellAt(e);
            if (cell) moveTo(cell, false, e.shiftKey);
          }}
          onKeyDown={onKey}
          onCopy={(e) => {
            // With no text selected, Ctrl+C copies the selected cells (tab-separated rows).
            const cell = active.current;
            const content = contentRef.current;
            if (!cell || !content || !document.getSelection()?.isCollapsed) return;
            e.preventDefault();
            const range = rangeOf(cell, anchor.current ?? cell);
            const cells = (range.bottom - range.top + 1) * (range.right - range.left + 1);
            if (cells > copyLimit) {
              setNotice(`${cells.toLocaleString()} cells are too many to copy (up to ${copyLimit.toLocaleString()}); Download CSV saves them all`);
              return;
            }
            e.clipboardData?.setData("text/plain", rangeText(content, range));
            setNotice(cells > 1 ? `Copied ${cells.toLocaleString()} cells` : null);
          }}
          onBlur={() => {
            if (!active.current) return;
            active.current = null;
            anchor.current = null;
            markActive(gridRef.current, pool.current, null, cellId);
            drawCanvas();
          }}
          onPointerLeave={() => {
            hover.current = -1;
            drawCanvas();
          }}
        >
          <div class="dash-grid-head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template, minWidth: `${totalWidth}px` }}>
            {columns.map((c) => {
              const shown = waiting ? pending : sort;
              const sorted = shown?.column === c.name ? (shown.desc ? "descending" : "ascending") : "none";
              return (
                <div key={c.name} class={`dash-head-cell ${c.type}`} role="columnheader" aria-sort={sorted}>
                  <button type="button" class="dash-head-sort" disabled={!p.sortable} onClick={() => clickSort(c.name)} title={c.label ?? c.name}>
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
            {!table ? (
              <div class="dash-grid-loading">Loading {rows.toLocaleString()} rows…</div>
            ) : rows ? (
              rowsOut
            ) : (
              <div class="dash-grid-loading">{columns.length ? "No rows" : "No data: the table has no rows and no columns"}</div>
            )}
          </div>
        </div>
        <canvas class="dash-grid-canvas" ref={canvasRef} aria-hidden="true" />
      </div>
    </div>
  );
}

/** How long scrolling must pause before the DOM rows are rewritten (ms). */
const settleMs = 90;
/** The most cells Ctrl+C copies (as text, in one go: 200,000 cells is a few MB). */
const copyLimit = 200_000;
