/**
 * DuckDB's columns and values in BigQuery's wire shape, for the local BigQuery server: the schema
 * field of a column type, and every cell a string (TIMESTAMP as int64 microseconds, REPEATED as
 * `[{v}]`, RECORD as `{f: [...]}`).
 */
import type { DuckDBType, DuckDBTypeId, DuckDBValue } from "@duckdb/node-api";

export interface Field {
  name: string;
  type: string;
  mode: "NULLABLE" | "REPEATED";
  fields?: Field[];
}
export type Cell = { v: Wire };
export type Wire = string | null | Cell[] | { f: Cell[] };

/** The BigQuery field of a DuckDB column type. */
export function fieldOf(ids: typeof DuckDBTypeId, name: string, type: DuckDBType): Field {
  switch (type.typeId) {
    case ids.LIST:
    case ids.ARRAY: {
      const inner = fieldOf(ids, name, type.valueType);
      return { ...inner, mode: "REPEATED" };
    }
    case ids.STRUCT:
      return {
        name,
        type: "RECORD",
        mode: "NULLABLE",
        fields: type.entryNames.map((n, i) => fieldOf(ids, n, type.entryTypes[i]!)),
      };
    case ids.BOOLEAN:
      return { name, type: "BOOLEAN", mode: "NULLABLE" };
    case ids.TINYINT:
    case ids.SMALLINT:
    case ids.INTEGER:
    case ids.BIGINT:
    case ids.UTINYINT:
    case ids.USMALLINT:
    case ids.UINTEGER:
    case ids.UBIGINT:
    case ids.HUGEINT:
    case ids.UHUGEINT:
    case ids.SQLNULL:
    case ids.INTEGER_LITERAL:
      return { name, type: "INTEGER", mode: "NULLABLE" };
    case ids.FLOAT:
    case ids.DOUBLE:
      return { name, type: "FLOAT", mode: "NULLABLE" };
    case ids.DECIMAL:
      return { name, type: "NUMERIC", mode: "NULLABLE" };
    case ids.DATE:
      return { name, type: "DATE", mode: "NULLABLE" };
    case ids.TIME:
      return { name, type: "TIME", mode: "NULLABLE" };
    case ids.TIMESTAMP:
    case ids.TIMESTAMP_TZ:
    case ids.TIMESTAMP_S:
    case ids.TIMESTAMP_MS:
    case ids.TIMESTAMP_NS:
      return { name, type: "TIMESTAMP", mode: "NULLABLE" };
    case ids.BLOB:
      return { name, type: "BYTES", mode: "NULLABLE" };
    default:
      return {
        name,
        type: type.alias === "JSON" ? "JSON" : "STRING",
        mode: "NULLABLE",
      };
  }
}

/** A DuckDB value in BigQuery's wire shape for `field`. */
export function wire(value: DuckDBValue, field: Field): Wire {
  if (value === null || value === undefined) return field.mode === "REPEATED" ? [] : null;
  if (field.mode === "REPEATED") {
    const items = (value as { items?: readonly DuckDBValue[] }).items ?? [];
    const inner: Field = { ...field, mode: "NULLABLE" };
    return items.map((item) => ({ v: wire(item, inner) }));
  }
  if (field.type === "RECORD") {
    const entries = (value as { entries?: Readonly<Record<string, DuckDBValue>> }).entries ?? {};
    return {
      f: (field.fields ?? []).map((sub) => ({
        v: wire(entries[sub.name] ?? null, sub),
      })),
    };
  }
  if (field.type === "TIMESTAMP") {
    const v = value as {
      micros?: bigint;
      millis?: bigint;
      seconds?: bigint;
      nanos?: bigint;
    };
    const micros =
      v.micros ?? (v.millis !== undefined ? v.millis * 1000n : v.seconds !== undefined ? v.seconds * 1_000_000n : v.nanos !== undefined ? v.nanos / 1000n : 0n);
    return micros.toString();
  }
  if (field.type === "BYTES") return Buffer.from((value as { bytes: Uint8Array }).bytes).toString("base64");
  if (field.type === "FLOAT") {
    const n = Number(value);
    return Number.isNaN(n) ? "NaN" : n === Infinity ? "Infinity" : n === -Infinity ? "-Infinity" : String(n);
  }
  return String(value);
}
