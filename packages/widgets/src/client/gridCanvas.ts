/**
 * The table's drawing surface: the rows in view, painted on a canvas from the Arrow vectors (see
 * `table.tsx`), and the geometry the canvas, the DOM rows and the keyboard share.
 */
import type { Vector } from "apache-arrow";

export type ColumnType = "number" | "bigint" | "date" | "bool" | "string";

export const rowHeight = 32;
/** Browsers cap element heights (~16–33M px); past this the scroll position maps to rows. */
export const maxScroll = 8_000_000;

/** What the pooled rows show. */
export interface Content {
  /** Rows the browser holds (fewer than the table's while a big table is still arriving). */
  available: number;
  order: ArrayLike<number> | undefined;
  vectors: (Vector | null)[];
  formatters: ((value: unknown) => string | null)[];
  displays: (Vector | null | undefined)[];
  types: ColumnType[];
}

export interface Geometry {
  rows: number;
  /** Height of the rows' viewport (px). */
  body: number;
}

/** The view's rows at a scroll position: the exact top row (fractional) and the row's offset. */
export function view(g: Geometry, scrollTop: number): { firstExact: number; top: (row: number) => number } {
  const full = g.rows * rowHeight;
  const spacer = Math.min(full, maxScroll);
  if (full <= maxScroll) return { firstExact: scrollTop / rowHeight, top: (i) => i * rowHeight };
  // Past the browsers' height cap the scroll position maps to rows.
  const firstExact = (scrollTop / Math.max(1, spacer - g.body)) * Math.max(0, g.rows - g.body / rowHeight);
  return { firstExact, top: (i) => scrollTop + (i - firstExact) * rowHeight };
}

/** Each column's left and right edge (px), the first starting at `start`. */
export function columnEdges(tracks: number[], start = 0): { left: number; right: number }[] {
  let x = start;
  return tracks.map((w) => ({ left: x, right: (x += w) }));
}

/** The row under a point `y` px below the top of the rows' viewport (-1: none). */
export function rowAt(g: Geometry, scrollTop: number, y: number): number {
  const { firstExact } = view(g, scrollTop);
  const row = Math.floor(firstExact + y / rowHeight);
  return row >= 0 && row < g.rows ? row : -1;
}

/** What cell (row, column) shows; `empty` for a null or a value still arriving. */
export function cellText(content: Content, row: number, column: number): { text: string; empty: boolean } {
  if (row >= content.available) return { text: "…", empty: true };
  const display = content.displays[column];
  const value = (display ?? content.vectors[column])?.get(row) as unknown;
  const text = display ? (value as string | null) : (content.formatters[column]?.(value) ?? null);
  return text === null || value === null || value === undefined ? { text: text ?? "null", empty: true } : { text, empty: false };
}

/** The rows and columns between two cells (corners included), in the order shown. */
export interface Range {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export function rangeOf(a: Cell, b: Cell): Range {
  return { top: Math.min(a.row, b.row), bottom: Math.max(a.row, b.row), left: Math.min(a.col, b.col), right: Math.max(a.col, b.col) };
}

/**
 * A range's cells as spreadsheets paste them: tab-separated, a line per row, the text shown
 * (numbers formatted as in the grid); a value holding a tab, a line break or a quote is quoted.
 */
export function rangeText(content: Content, range: Range): string {
  const lines: string[] = [];
  for (let i = range.top; i <= range.bottom; i++) {
    const row = content.order ? content.order[i]! : i;
    const cells: string[] = [];
    for (let c = range.left; c <= range.right; c++) {
      const { text, empty } = cellText(content, row, c);
      cells.push(field(empty ? "" : text, "\t"));
    }
    lines.push(cells.join("\t"));
  }
  return lines.join("\n");
}

/** A value as a field of delimited text (CSV, tab-separated): quoted when it holds the separator, a line break or a quote. */
export function field(text: string, separator: string): string {
  return text.includes(separator) || /["\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Colors and font the canvas draws with, read from the theme (per grid, until it changes). */
export interface Looks {
  font: string;
  emptyFont: string;
  fg: string;
  muted: string;
  line: string;
  hover: string;
  accent: string;
  padding: number;
  /** Width of each ASCII character in the regular font (px). */
  advances: Float32Array;
}
const canvasLooks = new WeakMap<HTMLElement, Looks>();

/** Read the grid's colors and font again (the theme or the fonts changed). */
export function forgetLooks(grid: HTMLElement): void {
  canvasLooks.delete(grid);
}

export function looksOf(grid: HTMLElement): Looks {
  let looks = canvasLooks.get(grid);
  if (!looks) {
    const style = getComputedStyle(grid);
    const font = `${style.fontSize} ${style.fontFamily}`;
    const variable = (name: string): string => style.getPropertyValue(name).trim();
    looks = {
      font,
      emptyFont: `italic ${font}`,
      fg: style.color,
      muted: variable("--fg-muted"),
      line: variable("--border"),
      hover: variable("--accent-soft"),
      accent: variable("--accent"),
      padding: parseFloat(style.fontSize) * 0.7,
      advances: advancesOf(font),
    };
    canvasLooks.set(grid, looks);
  }
  return looks;
}

function advancesOf(font: string): Float32Array {
  const ctx = new OffscreenCanvas(1, 1).getContext("2d");
  const advances = new Float32Array(128);
  if (!ctx) return advances.fill(parseFloat(font));
  ctx.font = font;
  for (let code = 32; code < 127; code++) advances[code] = ctx.measureText(String.fromCharCode(code)).width;
  return advances;
}

/** Widths (px) that fit each column's label (bold, with room for the sort mark) and the text of its first 200 rows. */
export function fitWidths(content: Content, columns: { name: string; label?: string | undefined }[], looks: Looks): number[] {
  const rows = Math.min(content.available, 200);
  return columns.map((c, ci) => {
    let widest = textWidth(c.label ?? c.name, looks.advances) * 1.06 + 13;
    for (let i = 0; i < rows; i++) widest = Math.max(widest, textWidth(cellText(content, content.order ? content.order[i]! : i, ci).text, looks.advances));
    return Math.round(Math.min(320, Math.max(48, widest + 2 * looks.padding + 2)));
  });
}

/** The width of ASCII text from its characters' advances (other characters count as an "M"). */
function textWidth(text: string, advances: Float32Array): number {
  let width = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    width += advances[code < 128 ? code : 77]!;
  }
  return width;
}

/** Where the canvas draws: its size (px) and the columns' widths. */
export interface CanvasLayout {
  width: number;
  height: number;
  tracks: number[];
}

/**
 * Draw the rows in view on the canvas over the grid's body: row lines, column lines, the hovered
 * row and each cell's text (numbers right-aligned, long text cut with an ellipsis).
 */
export function paintCanvas(canvas: HTMLCanvasElement, frame: CanvasFrame): void {
  const { width, height } = frame.layout;
  const ratio = window.devicePixelRatio || 1;
  const pixelWidth = Math.max(1, Math.round(width * ratio));
  const pixelHeight = Math.max(1, Math.round(height * ratio));
  if (canvas.style.width !== `${width}px` || canvas.style.height !== `${height}px`) {
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }
  if (canvas.width !== pixelWidth || canvas.height !== pixelHeight) {
    canvas.width = pixelWidth;
    canvas.height = pixelHeight;
  }
  // Drawing happens off the page, on an OffscreenCanvas: a page canvas's text drawing first
  // brings the whole page's style up to date, which after a patch costs more than the drawing.
  let surface = surfaces.get(canvas);
  if (!surface) surfaces.set(canvas, (surface = new OffscreenCanvas(pixelWidth, pixelHeight)));
  if (surface.width !== pixelWidth || surface.height !== pixelHeight) {
    surface.width = pixelWidth;
    surface.height = pixelHeight;
  }
  const ctx = surface.getContext("2d");
  if (!ctx) return;
  drawRows(ctx, ratio, frame);
  canvas.getContext("bitmaprenderer")?.transferFromImageBitmap(surface.transferToImageBitmap());
}

const surfaces = new WeakMap<HTMLCanvasElement, OffscreenCanvas>();

/** What one drawing of the canvas needs. */
export interface CanvasFrame {
  looks: Looks;
  content: Content | undefined;
  g: Geometry;
  layout: CanvasLayout;
  scroll: { top: number; left: number };
  hover: number;
  active: Cell | null;
  /** The other corner of the selected range (null: only the active cell is selected). */
  anchor: Cell | null;
}

/** A cell of the grid: a row in the order shown, and a column. */
export interface Cell {
  row: number;
  col: number;
}

function drawRows(ctx: OffscreenCanvasRenderingContext2D, ratio: number, { looks, content, g, layout, scroll, hover, active, anchor }: CanvasFrame): void {
  const { width, height } = layout;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  if (!content || !g.rows) return;
  const edges = columnEdges(layout.tracks, -scroll.left);
  const { firstExact, top } = view(g, scroll.top);
  const first = Math.max(0, Math.floor(firstExact));
  const last = Math.min(g.rows, Math.ceil(firstExact + height / rowHeight) + 1);
  const offset = top(first) - scroll.top; // y of row `first` in the canvas
  const rowsRight = Math.min(width, edges.length ? edges[edges.length - 1]!.right : width);
  const rowTop = (i: number): number => Math.round(offset + (i - first) * rowHeight);
  // Backgrounds and lines first, then the text (so the text's canvas state is set once).
  if (hover >= first && hover < last) {
    ctx.fillStyle = looks.hover;
    ctx.fillRect(0, rowTop(hover), rowsRight, rowHeight);
  }
  if (active && anchor) {
    const range = rangeOf(active, anchor);
    const top = Math.max(first, range.top);
    const bottom = Math.min(last - 1, range.bottom);
    // (A rerun can leave fewer columns than the selection spans: it is shaded up to the last.)
    const left = edges[range.left]?.left;
    const right = edges[Math.min(range.right, edges.length - 1)]?.right;
    if (top <= bottom && left !== undefined && right !== undefined) {
      ctx.globalAlpha = 0.12;
      ctx.fillStyle = looks.accent;
      ctx.fillRect(left, rowTop(top), right - left, rowTop(bottom) + rowHeight - rowTop(top));
      ctx.globalAlpha = 1;
    }
  }
  ctx.globalAlpha = 0.6;
  ctx.fillStyle = looks.line;
  for (let i = first; i < last; i++) ctx.fillRect(0, rowTop(i) + rowHeight - 1, rowsRight, 1);
  ctx.globalAlpha = 1;
  ctx.textBaseline = "middle";
  let drawingEmpty: boolean | undefined;
  for (let i = first; i < last; i++) {
    const y = rowTop(i);
    const row = content.order ? content.order[i]! : i;
    for (let c = 0; c < edges.length; c++) {
      const { left, right } = edges[c]!;
      if (right <= 0 || left >= width) continue;
      const room = right - left - 2 * looks.padding;
      if (room <= 0) continue;
      const { text, empty } = cellText(content, row, c);
      // Canvas state is set only when it changes (setting a font parses it).
      if (empty !== drawingEmpty) {
        drawingEmpty = empty;
        ctx.font = empty ? looks.emptyFont : looks.font;
        ctx.fillStyle = empty ? looks.muted : looks.fg;
      }
      const shown = fit(ctx, text, room, looks.advances);
      const numeric = content.types[c] === "number" || content.types[c] === "bigint";
      const align = numeric ? "right" : "left";
      if (ctx.textAlign !== align) ctx.textAlign = align;
      ctx.fillText(shown, numeric ? right - looks.padding : left + looks.padding, y + rowHeight / 2);
    }
  }
  ctx.globalAlpha = 0.45;
  ctx.fillStyle = looks.line;
  for (const { right } of edges) if (right > 0 && right <= width) ctx.fillRect(right - 1, 0, 1, Math.min(height, offset + (last - first) * rowHeight));
  ctx.globalAlpha = 1;
  const cell = active ? edges[active.col] : undefined;
  if (active && cell && active.row >= first && active.row < last) {
    ctx.strokeStyle = looks.accent;
    ctx.lineWidth = 2;
    ctx.strokeRect(cell.left + 1, rowTop(active.row) + 1, cell.right - cell.left - 2, rowHeight - 2);
  }
}

/**
 * `text`, cut with an ellipsis to fit `room` px. ASCII text is measured by adding up the widths of
 * its characters (no call into the canvas, which matters at hundreds of cells a frame); other text
 * by the canvas.
 */
function fit(ctx: OffscreenCanvasRenderingContext2D, text: string, room: number, advances: Float32Array): string {
  let width = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128) return fitMeasured(ctx, text, room);
    width += advances[code]!;
  }
  if (width <= room) return text;
  let cut = 0;
  let used = advances[46]! * 3; // the ellipsis is about three periods wide
  while (cut < text.length && used + advances[text.charCodeAt(cut)]! <= room) used += advances[text.charCodeAt(cut++)]!;
  return `${text.slice(0, cut)}…`;
}

function fitMeasured(ctx: OffscreenCanvasRenderingContext2D, text: string, room: number): string {
  if (ctx.measureText(text).width <= room) return text;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= room) low = mid;
    else high = mid - 1;
  }
  return `${text.slice(0, low)}…`;
}
