/**
 * The table's DOM rows and scrolling: a fixed pool of row elements repainted in place (for screen
 * readers, selection, copy and find-in-page under the canvas), the active cell named to assistive
 * technology, the scroll position that brings a row into view, the keyboard's moves, the column
 * widths, and the grid's size.
 */
import { useLayoutEffect, useState, type MutableRef } from "preact/hooks";
import { cellText, forgetLooks, maxScroll, rowHeight, view, type Cell, type Content, type Geometry } from "./gridCanvas.ts";

/** The scroll position (from `current`) that shows row `row` whole, moving as little as it can. */
export function scrollTopFor(g: Geometry, row: number, current: number): number {
  const { firstExact } = view(g, current);
  const inView = g.body / rowHeight;
  const first = row < firstExact ? row : row + 1 > firstExact + inView ? row + 1 - inView : firstExact;
  if (first === firstExact) return current;
  const full = g.rows * rowHeight;
  if (full <= maxScroll) return first * rowHeight;
  // Past the browsers' height cap the scroll position maps to rows (the inverse of `view`).
  return (first / Math.max(1, g.rows - inView)) * (Math.min(full, maxScroll) - g.body);
}

/** Point the grid's `aria-activedescendant` at the active cell's element (given an id), if in the DOM. */
export function markActive(grid: HTMLElement | null, container: HTMLElement | null, cell: Cell | null, id: string): void {
  if (!grid || !container) return;
  const old = container.querySelector(`#${id}`);
  const row = cell ? container.querySelector(`[aria-rowindex="${cell.row + 2}"]`) : null;
  const element = cell ? row?.children[cell.col] : undefined;
  if (old && old !== element) {
    old.removeAttribute("id");
    old.removeAttribute("aria-selected");
  }
  if (element) {
    element.id = id;
    element.setAttribute("aria-selected", "true");
    grid.setAttribute("aria-activedescendant", id);
  } else grid.removeAttribute("aria-activedescendant");
}

/** Per pooled row element: the content and row it shows now. */
const painted = new WeakMap<Element, { content: Content; row: number; top: number }>();

/**
 * Put rows first…last of the view into the pooled row elements (row i in slot i % slots, so a
 * scroll of one row rewrites one slot), writing only what changed and reading no layout.
 */
export function paintRows(container: HTMLElement | null, content: Content | undefined, g: Geometry, scrollTop: number): void {
  if (!container || !content) return;
  const elements = container.children;
  const slots = elements.length;
  if (!slots || !(elements[0] as HTMLElement).classList.contains("dash-grid-row")) return;
  const visible = Math.ceil(g.body / rowHeight) + 1;
  const { firstExact, top: topOf } = view(g, scrollTop);
  const first = Math.max(0, Math.floor(firstExact));
  const last = Math.min(g.rows, first + visible, first + slots);
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
    const top = topOf(i);
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
      const { text, empty } = cellText(content, row, ci);
      const className = `dash-cell ${content.types[ci]}${empty ? " null" : ""}`;
      if (cell.className !== className) cell.className = className;
      const node = cell.firstChild;
      if (node instanceof Text) {
        if (node.data !== text) node.data = text;
      } else cell.textContent = text;
    }
  }
}

/**
 * Column widths (px) for a grid `available` px wide: fixed columns keep their width; flexible ones
 * share what is left equally but never go below their minimum (CSS grid's `minmax(min, 1fr)`).
 * The header, the DOM rows and the canvas all use these widths, so they line up exactly.
 */
export function sizeTracks(columns: { min: number; flexible: boolean }[], available: number): number[] {
  const widths = columns.map((c) => c.min);
  let flexible = columns.map((c, i) => (c.flexible ? i : -1)).filter((i) => i >= 0);
  let room = available - columns.reduce((sum, c) => sum + (c.flexible ? 0 : c.min), 0);
  // A column whose minimum is above the equal share keeps its minimum; the rest share again.
  for (;;) {
    const share = room / Math.max(1, flexible.length);
    const frozen = flexible.filter((i) => columns[i]!.min >= share);
    if (!frozen.length) {
      for (const i of flexible) widths[i] = Math.floor(share * 100) / 100;
      return widths;
    }
    for (const i of frozen) room -= columns[i]!.min;
    flexible = flexible.filter((i) => columns[i]!.min < share);
  }
}

/** The cell a key moves the active cell `at` to (arrows, Page Up/Down, Home/End, Ctrl+Home/End), unclamped; undefined for other keys. */
export function keyMove(key: string, ctrl: boolean, at: Cell, grid: { rows: number; cols: number; page: number }): Cell | undefined {
  const { rows, cols, page } = grid;
  const moves: Record<string, () => Cell> = {
    ArrowDown: () => ({ row: at.row + 1, col: at.col }),
    ArrowUp: () => ({ row: at.row - 1, col: at.col }),
    ArrowRight: () => ({ row: at.row, col: at.col + 1 }),
    ArrowLeft: () => ({ row: at.row, col: at.col - 1 }),
    PageDown: () => ({ row: at.row + page, col: at.col }),
    PageUp: () => ({ row: at.row - page, col: at.col }),
    Home: () => (ctrl ? { row: 0, col: 0 } : { row: at.row, col: 0 }),
    End: () => (ctrl ? { row: rows - 1, col: cols - 1 } : { row: at.row, col: cols - 1 }),
  };
  return moves[key]?.();
}

/**
 * The grid's inner size, from a ResizeObserver (drawing never asks the browser for layout);
 * `redraw` runs when the canvas must be drawn again with new looks: the system's light/dark
 * switch, the page's fonts once loaded, and the zoom (the pixels per CSS pixel) changing.
 */
export function useGridBox(gridRef: MutableRef<HTMLElement | null>, redraw: () => void): { width: number; height: number } {
  const [box, setBox] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const grid = gridRef.current;
    if (!grid) return;
    const restyle = (): void => {
      forgetLooks(grid);
      redraw();
    };
    const observer = new ResizeObserver(([entry]) => {
      const { width, height } = entry!.contentRect;
      setBox((old) => (old.width === width && old.height === height ? old : { width, height }));
    });
    observer.observe(grid);
    const scheme = matchMedia("(prefers-color-scheme: dark)");
    scheme.addEventListener("change", restyle);
    void document.fonts?.ready.then(restyle);
    let zoom: MediaQueryList | null = null;
    const onZoom = (): void => {
      watchZoom();
      restyle();
    };
    const watchZoom = (): void => {
      zoom?.removeEventListener("change", onZoom);
      zoom = matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
      zoom.addEventListener("change", onZoom);
    };
    watchZoom();
    return () => {
      observer.disconnect();
      scheme.removeEventListener("change", restyle);
      zoom?.removeEventListener("change", onZoom);
    };
  }, []);
  return box;
}
