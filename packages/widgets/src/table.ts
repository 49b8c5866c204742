/**
 * `table(data)`: a virtualized grid over an Arrow table. The table travels once as Arrow IPC; the
 * browser draws only the visible rows. Sorting happens in the browser for tables up to 100,000
 * rows; past that the grid is a small widget whose value is the sort (`{ column, desc }`), and the
 * server sorts and sends the order (a permutation of row numbers, as Arrow) instead of the rows.
 */
import { makeVector, Table, type Vector } from "apache-arrow";
import type { Json, Props } from "@dash/runtime/protocol.ts";
import { scopeOf, type Scope } from "@dash/runtime/scope.ts";
import { staleProp } from "./live.ts";
import { runSlot } from "@dash/runtime/run.ts";
import { columnNames, DataError, dataRef, isNumericType, isTemporalType, maybeTable, stringVector, toFloat64, type DataInput } from "./data.ts";
import { DataType } from "apache-arrow";
import { rowOrder, textKeys } from "./rowOrder.ts";
import type { ColumnType } from "./client/gridCanvas.ts";
import { tableWidget, type TableProps } from "./widget.ts";

export interface TableColumnOptions {
  /** Header text (default: the column name). */
  label?: string;
  /**
   * How values are shown: a d3-format string for numbers (`",.2f"`, `"$,.0f"`, `".1%"`), a
   * d3-time-format string for dates (`"%Y-%m-%d"`), Intl options, or a function (run on the
   * server; the formatted text travels as an extra column).
   */
  format?: string | Intl.NumberFormatOptions | Intl.DateTimeFormatOptions | ((value: unknown) => string);
  /** Initial width in pixels. */
  width?: number;
  /** `false` hides the column. */
  visible?: boolean;
}

export interface TableOptions {
  /** Height of the grid in pixels (default: fits up to 10 rows, else 400). */
  height?: number;
  /** Per-column label, format and width; a string is a label. */
  columns?: Record<string, TableColumnOptions | string>;
  /** Click a header to sort (default `true`). */
  sortable?: boolean;
  /** Makes the table's identity explicit (its sort is kept under this key). */
  key?: string;
}

const defaults = { rowHeight: 32, serverSortRows: 100_000, maxHeight: 400, headRows: 2_000 };

const heads = new WeakMap<Table, Table>();
/** The first rows of a big table (kept per table, so an unchanged table sends its head once). */
function headOf(table: Table): Table {
  let head = heads.get(table);
  if (!head) heads.set(table, (head = table.slice(0, defaults.headRows)));
  return head;
}

/**
 * A scrollable, sortable grid.
 * @example dash.table(zips, { height: 400, columns: { population: { label: "Population", format: "," } } });
 */
export function table(this: unknown, data: DataInput, options: TableOptions = {}): void {
  const scope = scopeOf(this);
  const label = identity(scope);
  const props: Omit<TableProps, "height" | "sortable"> = {};
  let rows = 0;
  let source: Table | null = null;
  try {
    source = maybeTable(data);
    rows = source.numRows;
    if (rows > defaults.headRows * 10) {
      // A big table shows its first rows with the patch; the rest follows right after.
      props.head = dataRef(scope, headOf(source));
      props.data = dataRef(scope, source, { deferred: true });
    } else props.data = dataRef(scope, source);
    props.rows = rows;
    props.columns = describeColumns(scope, source, options);
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    props.error = error.message;
  }
  const serverSort = rows > defaults.serverSortRows;
  const names = source ? new Set(columnNames(source)) : new Set<string>();
  tableWidget.render(scope, {
    label,
    key: options.key,
    props: {
      ...props,
      // Room for the header and up to ten rows (an empty table keeps one row's room for its "No rows").
      height: options.height ?? Math.min(defaults.maxHeight, defaults.rowHeight * (Math.min(Math.max(rows, 1), 10) + 1) + 2),
      sortable: options.sortable !== false,
      ...(serverSort ? { serverSort: true } : {}),
      ...staleProp(data),
    },
    // A big table is sorted here: its props carry the row order of the sort the viewer chose.
    propsFor: (sort): Props =>
      serverSort && source && sort && source.getChild(sort.column) ? { order: dataRef(scope, sortOrder(source, sort.column, sort.desc)) } : {},
    given: { names },
    initial: null,
  });
}

const tableCounters = runSlot(() => new Map<string, number>());
function identity(scope: Scope): string {
  const counters = tableCounters(scope.run);
  const where = scope.options.fragment ?? scope.run.fragment ?? "page";
  const n = counters.get(where) ?? 0;
  counters.set(where, n + 1);
  return `${where}#${n}`;
}

function describeColumns(scope: Scope, table: Table, options: TableOptions): Json {
  const out: Json[] = [];
  const given = options.columns ?? {};
  for (const name of Object.keys(given)) {
    if (!table.getChild(name))
      throw new DataError(
        `table columns: there is no column ${JSON.stringify(name)}. The data has ${columnNames(table)
          .map((n) => JSON.stringify(n))
          .join(", ")}.`,
      );
  }
  for (const field of table.schema.fields) {
    const raw = given[field.name];
    const spec: TableColumnOptions = typeof raw === "string" ? { label: raw } : (raw ?? {});
    if (spec.visible === false) continue;
    const vector = table.getChild(field.name)!;
    const column: { [key: string]: Json } = { name: field.name, type: columnType(vector) };
    if (spec.label) column.label = spec.label;
    if (spec.width) column.width = spec.width;
    if (typeof spec.format === "function") column.display = dataRef(scope, formatted(table, field.name, spec.format));
    else if (spec.format !== undefined) column.format = spec.format as Json;
    out.push(column);
  }
  return out;
}

/** How the browser reads a column (its formats and its sort): "number", "bigint", "date", "bool" or "string". */
export function columnType(vector: Vector): ColumnType {
  if (DataType.isInt(vector.type) && (vector.type as DataType & { bitWidth: number }).bitWidth === 64) return "bigint";
  if (isNumericType(vector.type)) return "number";
  if (isTemporalType(vector.type)) return "date";
  if (DataType.isBool(vector.type)) return "bool";
  return "string";
}

const formattedMemo = new WeakMap<Table, Map<string, { fn: unknown; table: Table }>>();

/** Text of a column formatted by the author's function, as a one-column table. */
function formatted(table: Table, name: string, format: (value: unknown) => string): Table {
  const known = formattedMemo.get(table)?.get(name);
  if (known && known.fn === format) return known.table;
  const vector = table.getChild(name)!;
  const values = new Array<string | null>(vector.length);
  for (let i = 0; i < vector.length; i++) {
    const value = vector.get(i) as unknown;
    values[i] = value === null || value === undefined ? null : String(format(value));
  }
  const out = new Table({ text: stringVector(values) });
  let byName = formattedMemo.get(table);
  if (!byName) formattedMemo.set(table, (byName = new Map()));
  byName.set(name, { fn: format, table: out });
  return out;
}

const orders = new WeakMap<Table, Map<string, Table>>();

/** The row order sorting `column` (the rule of `rowOrder.ts`), as a one-column Arrow table `index: uint32`. */
export function sortOrder(table: Table, name: string, desc: boolean): Table {
  const key = `${name}\u0000${desc}`;
  const known = orders.get(table)?.get(key);
  if (known) return known;
  const vector = table.getChild(name)!;
  const numeric = isNumericType(vector.type) || isTemporalType(vector.type);
  const index = rowOrder(numeric ? toFloat64(vector) : textKeys(vector), desc);
  const out = new Table({ index: makeVector(index) });
  let byKey = orders.get(table);
  if (!byKey) orders.set(table, (byKey = new Map()));
  if (byKey.size > 8) byKey.clear();
  byKey.set(key, out);
  return out;
}
