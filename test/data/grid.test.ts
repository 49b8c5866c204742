// The grid's copy (a range of cells as tab-separated text, in the order shown) and number formats.
import { tableFromArrays } from "apache-arrow";
import { describe, expect, test } from "vitest";
import { field, rangeOf, rangeText, type Content } from "../../packages/widgets/src/client/gridCanvas.ts";
import { numberFormat } from "../../packages/widgets/src/client/lazy.ts";
import { formatter } from "../../packages/widgets/src/client/tableValues.ts";

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
  test("one quoting for the copy (tabs) and the CSV download (commas)", () => {
    expect([field("a,b", ","), field("a\tb", ","), field('say "hi"', ","), field("two\nlines", ",")]).toEqual([
      '"a,b"',
      "a\tb",
      '"say ""hi"""',
      '"two\nlines"',
    ]);
    expect([field("a\tb", "\t"), field("a,b", "\t")]).toEqual(['"a\tb"', "a,b"]);
  });
  test("in the order shown (a sorted grid copies its rows as sorted)", () => {
    expect(rangeText(content([2, 0, 1, 3]), rangeOf({ row: 0, col: 1 }, { row: 1, col: 1 }))).toBe("1.0\n3.0");
  });
});

describe("a column's number format", () => {
  test("d3's specifiers, with integers of 13 digits and more written whole (d3 alone: 1e+12)", () => {
    expect(numberFormat(",")(1234.5)).toBe("1,234.5");
    expect(numberFormat(",")(1e12)).toBe("1,000,000,000,000");
    expect(numberFormat(",")(-5e12)).toBe("−5,000,000,000,000");
    expect(numberFormat("$,.2f")(1e12)).toBe("$1,000,000,000,000.00");
    expect(numberFormat(".1%")(0.123)).toBe("12.3%");
  });
  test("BigInts exactly, past 2^53 too", () => {
    expect(numberFormat(",")(9_223_372_036_854_775_807n)).toBe("9,223,372,036,854,775,807");
    expect(numberFormat("$,")(-(10n ** 20n))).toBe("−$100,000,000,000,000,000,000");
    expect(numberFormat(",")(1_000_000_000_000n)).toBe("1,000,000,000,000");
    expect(numberFormat(".2s")(1500n)).toBe("1.5k");
  });
});

describe("how a table shows numbers without a format", () => {
  test("up to four decimals; too small or too big for that: scientific", async () => {
    const chunk = await import("../../packages/widgets/src/client/lazy.ts");
    const show = formatter(chunk as never, { name: "p", type: "number" });
    // (In the viewer's locale: a decimal point or comma.)
    expect(show(1.2e-7)).toMatch(/^1[.,]2E-7$/);
    expect(show(4e-5)).toBe("4E-5");
    expect(show(1e22)).toBe("1E22");
    expect(show(0.049)).toMatch(/^0[.,]049$/);
    expect(show(123456.789)).toMatch(/^123456[.,]789$/);
    expect([show(0), show(null)]).toEqual(["0", null]);
  });
});
