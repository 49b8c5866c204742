/**
 * Issue 15.2: what it costs to notice that rows or columns a script keeps were not changed in
 * place, against converting them again (the price of the old identity-only cache being wrong).
 * In-process: `maybeTable` + `encode`, as `dash.table(data)` calls them on each rerun.
 *   unchanged: the same object, same values (the check runs; the table and bytes are reused)
 *   changed:   the same object after one value changed in place (check fails, conversion + encode)
 */
import { encode, maybeTable } from "../packages/widgets/src/data.ts";
// @ts-expect-error -- plain ESM helper without types
import { line, report } from "./lib/stats.mjs";

function time(count: number, fn: (i: number) => void): number[] {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    fn(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

function measure(name: string, data: object, change: (i: number) => void, count: number): void {
  encode(maybeTable(data));
  const unchanged = time(count, () => encode(maybeTable(data)));
  const changed = time(count, (i) => {
    change(i);
    encode(maybeTable(data));
  });
  report(`${name}, unchanged → check`, unchanged, "ms", undefined, 2);
  report(`${name}, changed in place → convert + encode`, changed, "ms", undefined, 1);
}

console.log("## data changed in place (maybeTable + encode, in-process)");
const categories = ["north", "south", "east", "west"];
for (const n of [10_000, 100_000]) {
  const rows = Array.from({ length: n }, (_, i) => ({
    at: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
    region: categories[i % 4]!,
    orders: i % 97,
    revenue: (i * 7919) % 10_000,
    note: `order ${i}`,
    paid: i % 3 !== 0,
  }));
  measure(`${n.toLocaleString("en-US")} rows × 6 (row objects, with dates)`, rows, (i) => (rows[i % n]!.orders = -1 - i), n >= 100_000 ? 20 : 50);
}
for (const n of [1_000_000, 10_000_000]) {
  const x = Float64Array.from({ length: n }, (_, i) => i);
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 1000));
  const columns = { x, y };
  measure(`${n.toLocaleString("en-US")} × 2 (Float64Array columns)`, columns, (i) => (y[i] = -1 - i), n >= 10_000_000 ? 5 : 20);
}
const arrow = maybeTable({ x: new Float64Array(1_000_000) });
line(
  "an Arrow table (immutable: known by identity)",
  `${report(
    "Arrow table, 1,000,000 rows",
    time(200, () => encode(maybeTable(arrow))),
    "ms",
    undefined,
    4,
  ).p50.toFixed(4)} ms`,
);
