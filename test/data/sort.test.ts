// One sort for a table's rows: the server's (tables past 100,000 rows) and the browser's (smaller
// ones) put the rows in the same order, missing values (null, NaN, invalid dates) last either way.
import { tableFromArrays, type Table } from "apache-arrow";
import { describe, expect, test } from "vitest";
import { sortRows } from "../../packages/widgets/src/client/tableValues.ts";
import { maybeTable } from "../../packages/widgets/src/data.ts";
import { numberKeys, rowOrder, textKeys } from "../../packages/widgets/src/rowOrder.ts";
import { columnType, sortOrder } from "../../packages/widgets/src/table.ts";

const server = (table: Table, column: string, desc: boolean): number[] =>
  Array.from(sortOrder(table, column, desc).getChild("index")!.toArray() as Uint32Array);
const browser = (table: Table, column: string, desc: boolean): number[] => Array.from(sortRows(table, { column, desc }, columnType(table.getChild(column)!)));

describe("rowOrder: the rule", () => {
  test("numbers ascending and descending, NaN last both ways, ties in row order", () => {
    const keys = Float64Array.from([3, NaN, 1, 3, -Infinity, NaN, Infinity, 0]);
    expect(Array.from(rowOrder(keys, false))).toEqual([4, 7, 2, 0, 3, 6, 1, 5]);
    expect(Array.from(rowOrder(keys, true))).toEqual([6, 0, 3, 2, 7, 4, 1, 5]);
  });
  test("text, null last both ways", () => {
    const keys = ["b", null, "a", "B", null, "b"];
    expect(Array.from(rowOrder(keys, false))).toEqual([3, 2, 0, 5, 1, 4]);
    expect(Array.from(rowOrder(keys, true))).toEqual([0, 5, 2, 3, 1, 4]);
  });
  test("keys of a column: null, undefined and invalid dates are missing", () => {
    const column = { length: 5, get: (i: number) => [2, null, undefined, new Date(Number.NaN), new Date(5)][i] };
    expect(Array.from(numberKeys(column))).toEqual([2, NaN, NaN, NaN, 5]);
    expect(textKeys({ length: 3, get: (i) => [1, null, true][i] })).toEqual(["1", null, "true"]);
  });
});

describe("server and browser sort a table alike", () => {
  const table = maybeTable([
    { n: 2.5, s: "pear", d: new Date("2024-03-01"), b: true, mixed: 10, big: 5n },
    { n: NaN, s: null, d: null, b: false, mixed: "10", big: null },
    { n: null, s: "Apple", d: new Date("2023-01-01"), b: null, mixed: null, big: -3n },
    { n: -1, s: "apple", d: new Date("2024-03-01"), b: true, mixed: 9, big: 5n },
    { n: 2.5, s: "", d: new Date("2020-06-30"), b: false, mixed: "abc", big: 2n },
    { n: NaN, s: "pear", d: null, b: true, mixed: 2, big: 0n },
    { n: 0, s: "zebra", d: new Date("2021-01-01"), b: false, mixed: true, big: null },
  ]);
  for (const column of ["n", "s", "d", "b", "mixed", "big"])
    for (const desc of [false, true])
      test(`column ${column} ${desc ? "descending" : "ascending"}`, () => {
        const order = server(table, column, desc);
        expect(browser(table, column, desc)).toEqual(order);
        expect([...order].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      });

  test("NaN and null go last, whichever the direction (the browser had no NaN case)", () => {
    const t = tableFromArrays({ v: Float64Array.from([NaN, 3, NaN, 1, 2, NaN, 0]) });
    expect(browser(t, "v", false)).toEqual([6, 3, 4, 1, 0, 2, 5]);
    expect(browser(t, "v", true)).toEqual([1, 4, 3, 6, 0, 2, 5]);
    expect(server(t, "v", false)).toEqual([6, 3, 4, 1, 0, 2, 5]);
    expect(server(t, "v", true)).toEqual([1, 4, 3, 6, 0, 2, 5]);
    expect(server(table, "n", false)).toEqual([3, 6, 0, 4, 1, 2, 5]);
  });
});
