/**
 * The browser's data chunk: Apache Arrow, Observable Plot and d3's formatters. Loaded with a
 * dynamic `import()` the first time a table or chart appears, so pages without data stay small.
 */
import { tableFromIPC, type Table } from "apache-arrow";
import { format as d3Format, formatSpecifier } from "d3-format";
import { utcFormat } from "d3-time-format";

export { missingData, renderPlot } from "./plotSpec.ts";
export { tableFromIPC, utcFormat };
export type { Table };

/**
 * A d3-format specifier (`","`, `"$,.2f"`, `".1%"`) as a formatter of numbers and BigInts. d3's
 * default type (no letter, as in `","`) writes integers of 13 digits and more in exponent notation
 * ("1e+12"): those are written whole here, and a BigInt past 2^53 exactly.
 */
export function numberFormat(specifier: string): (value: number | bigint) => string {
  const format = d3Format(specifier);
  const spec = formatSpecifier(specifier);
  if ((spec.type !== "" && spec.type !== "d") || spec.precision !== undefined) return (value) => format(Number(value));
  spec.type = "d";
  const whole = d3Format(spec.toString());
  const digits = new Intl.NumberFormat("en-US", { useGrouping: spec.comma });
  return (value) => {
    if (typeof value === "number") return Number.isInteger(value) && Math.abs(value) >= 1e12 ? whole(value) : format(value);
    if (value >= -maxSafe && value <= maxSafe) return whole(Number(value));
    const sign = value < 0n ? "\u2212" : spec.sign === "+" ? "+" : ""; // (d3's minus sign)
    return `${sign}${spec.symbol === "$" ? "$" : ""}${digits.format(value < 0n ? -value : value)}`;
  };
}

const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);

/** Arrow IPC bytes → Table (what `store.decode` keeps per blob). */
export function decodeTable(bytes: Uint8Array): Table {
  return tableFromIPC(bytes);
}
