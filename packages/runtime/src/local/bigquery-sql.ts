/**
 * Rewrites BigQuery standard SQL into DuckDB SQL for the local BigQuery server: backticked
 * `` `project.dataset.table` `` and `` `dataset.table` `` become `"dataset"."table"`, and named
 * parameters `@name` become `CAST($name AS <type>)` so values can be bound as text. String
 * literals and comments are left alone. Only portable SQL runs the same in both dialects.
 */

/** The DuckDB type a BigQuery parameter type casts to. */
export function duckType(type: BigQueryParameterType): string {
  if (type.type === "ARRAY" && type.arrayType) return `${duckType(type.arrayType)}[]`;
  const scalar: Record<string, string> = {
    INT64: "BIGINT",
    INTEGER: "BIGINT",
    FLOAT64: "DOUBLE",
    FLOAT: "DOUBLE",
    NUMERIC: "DECIMAL(38,9)",
    BIGNUMERIC: "DECIMAL(38,9)",
    BOOL: "BOOLEAN",
    BOOLEAN: "BOOLEAN",
    STRING: "VARCHAR",
    DATE: "DATE",
    DATETIME: "TIMESTAMP",
    TIMESTAMP: "TIMESTAMPTZ",
    TIME: "TIME",
    JSON: "JSON",
  };
  const mapped = scalar[type.type];
  if (mapped === undefined) throw new Error(`Unsupported parameter type ${type.type}`);
  return mapped;
}

export interface BigQueryParameterType {
  type: string;
  arrayType?: BigQueryParameterType;
}

/** Rewrites `sql`; `types` gives each named parameter's BigQuery type. */
export function rewriteSql(sql: string, types: ReadonlyMap<string, BigQueryParameterType>): string {
  let out = "";
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const rest = sql.slice(i);
    const literal = /^('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|--[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\/)/.exec(rest);
    if (literal) {
      const text = literal[0];
      // BigQuery allows "double-quoted strings"; DuckDB reads them as identifiers.
      out += text.startsWith('"') ? `'${text.slice(1, -1).replace(/'/g, "''")}'` : text.startsWith("#") ? `--${text.slice(1)}` : text;
      i += text.length;
      continue;
    }
    if (c === "`") {
      const end = sql.indexOf("`", i + 1);
      if (end < 0) throw new Error(`Unclosed identifier quote at [${position(sql, i)}]`);
      const parts = sql.slice(i + 1, end).split(".");
      const tail = parts.length >= 2 ? parts.slice(-2) : parts;
      out += tail.map((p) => `"${p.replace(/"/g, '""')}"`).join(".");
      i = end + 1;
      continue;
    }
    const param = /^@([A-Za-z_]\w*)/.exec(rest);
    if (param) {
      const name = param[1]!;
      const type = types.get(name);
      if (type === undefined) throw new Error(`Query parameter '${name}' not found at [${position(sql, i)}]`);
      out += `CAST($${name} AS ${duckType(type)})`;
      i += param[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** `line:column` (1-based) of offset `at`. */
export function position(sql: string, at: number): string {
  const before = sql.slice(0, at).split("\n");
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}
