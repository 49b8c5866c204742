/**
 * The browser's data chunk: Apache Arrow, Observable Plot and d3's formatters. Loaded with a
 * dynamic `import()` the first time a table or chart appears, so pages without data stay small.
 */
import { tableFromIPC, type Table } from "apache-arrow";
import { format as numberFormat } from "d3-format";
import { utcFormat } from "d3-time-format";

export { missingData, renderPlot } from "./plotSpec.ts";
export { numberFormat, tableFromIPC, utcFormat };
export type { Table };

/** Arrow IPC bytes → Table (what `store.decode` keeps per blob). */
export function decodeTable(bytes: Uint8Array): Table {
  return tableFromIPC(bytes);
}
