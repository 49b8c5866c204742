// The grid's copy: a range of cells as tab-separated text, in the order shown.
import { tableFromArrays } from "apache-arrow";
import { describe, expect, test } from "vitest";
import { rangeOf, rangeText, type Content } from "../../packages/widgets/src/client/gridCanvas.ts";

const table = tableFromArrays({ city: ["Oslo", 'Say "hi"', "tab\there", "two\nlines"], v: Float64Array.from([3, 9, 1, 4]) });
const content = (order?: number[]): Content => ({
  available: table.numRows,
  order,
  vectors: [table.getChild("city"), table.getChild("v")],
  formatters: [(v) => (v === null ? null : String(v)), (v) => (v === null ? null : `${v as number}.0`)],
  displays: [undefined, undefined],
  types: ["string", "number"],
});

describe("copying a range of cells", () => {
  test("rows by line, cells by tab, the text shown; quotes where a spreadsheet needs them", () => {
    expect(rangeText(content(), rangeOf({ row: 3, col: 1 }, { row: 0, col: 0 }))).toBe(
      ["Oslo\t3.0", '"Say ""hi"""\t9.0', '"tab\there"\t1.0', '"two\nlines"\t4.0'].join("\n"),
    );
  });
  test("in the order shown (a sorted grid copies its rows as sorted)", () => {
    expect(rangeText(content([2, 0, 1, 3]), rangeOf({ row: 0, col: 1 }, { row: 1, col: 1 }))).toBe("1.0\n3.0");
  });
});
