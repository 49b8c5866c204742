/**
 * A table's values in the browser: the columns the server described, how each column's values are
 * shown (d3 or Intl formats), the local sort (the server's rule, `rowOrder.ts`) and the CSV download.
 */
import type { Table, Vector } from "apache-arrow";
import type { Json } from "@dash/runtime/protocol.ts";
import { numberKeys, rowOrder, textKeys } from "../rowOrder.ts";
import type { DataChunk } from "./data.ts";
import { field, type ColumnType } from "./gridCanvas.ts";

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  label?: string;
  width?: number;
  format?: string | Record<string, string | number | boolean>;
  display?: Json;
}

export type Sort = { column: string; desc: boolean } | null;

/** How a column's values are shown. */
export function formatter(chunk: DataChunk, column: ColumnSpec): (value: unknown) => string | null {
  const f = column.format;
  if (column.type === "number" || column.type === "bigint") {
    const intl = typeof f === "object" && f ? new Intl.NumberFormat(undefined, f as Intl.NumberFormatOptions) : null;
    const d3 = typeof f === "string" ? chunk.numberFormat(f) : null;
    const plain = new Intl.NumberFormat(undefined, { maximumFractionDigits: 4, useGrouping: false });
    // Numbers too small for four decimals (0.00000012 would show as 0) or too big for digits.
    const scientific = new Intl.NumberFormat(undefined, { notation: "scientific", maximumSignificantDigits: 4 });
    return (value) => {
      if (value === null || value === undefined) return null;
      if (typeof value === "bigint") return d3 ? d3(value) : intl ? intl.format(value) : value.toString();
      const n = Number(value);
      if (Number.isNaN(n)) return "NaN";
      if (d3) return d3(n);
      if (intl) return intl.format(n);
      const size = Math.abs(n);
      return (size < 5e-5 && size !== 0) || size >= 1e21 ? scientific.format(n) : plain.format(n);
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

/** Row order for a local sort: the server's rule (`rowOrder.ts`), numbers by the column's type. */
export function sortRows(table: Table, sort: NonNullable<Sort>, type: ColumnType): Uint32Array {
  const vector = table.getChild(sort.column) as Vector | null;
  if (!vector) return Uint32Array.from({ length: table.numRows }, (_, i) => i);
  const numeric = type === "number" || type === "bigint" || type === "date";
  return rowOrder(numeric ? numberKeys(vector) : textKeys(vector), sort.desc);
}

export function downloadCsv(table: Table, columns: ColumnSpec[], order: ArrayLike<number> | undefined): void {
  const quote = (value: unknown): string =>
    value === null || value === undefined ? "" : field(value instanceof Date ? value.toISOString() : String(value), ",");
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
