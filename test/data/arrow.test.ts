// Data normalization: rows, columns and Arrow tables → one Arrow table → IPC, memoized.
import { tableFromArrays, tableFromIPC } from "apache-arrow";
import { describe, expect, test } from "vitest";
import { DataError, encode, maybeTable, toFloat64 } from "../../packages/widgets/src/data.ts";

describe("maybeTable", () => {
  test("rows with dates, nulls, BigInt and markup survive the IPC round trip", () => {
    const rows = [
      { when: new Date("2016-01-02T00:00:00Z"), n: 1.5, big: 9007199254740993n, text: "<script>alert(1)</script>", flag: true },
      { when: null, n: null, big: null, text: null, flag: null },
      { when: new Date("2016-03-04T05:06:07Z"), n: 3, big: -2n, text: "a & b", flag: false },
    ];
    const back = tableFromIPC(encode(maybeTable(rows)).bytes);
    expect(back.numRows).toBe(3);
    expect(back.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(["when:Timestamp<MILLISECOND>", "n:Float64", "big:Int64", "text:Utf8", "flag:Bool"]);
    expect(back.getChild("when")!.get(0)).toBe(Date.UTC(2016, 0, 2));
    expect(back.getChild("when")!.get(1)).toBeNull();
    expect(back.getChild("big")!.get(0)).toBe(9007199254740993n);
    expect(back.getChild("big")!.get(1)).toBeNull();
    expect(back.getChild("text")!.get(0)).toBe("<script>alert(1)</script>");
    expect(back.getChild("flag")!.toArray()).toEqual([true, null, false]);
    expect(back.getChild("n")!.get(1)).toBeNull();
  });

  test("a null number stays null (a table shows null), a NaN stays NaN, and charts read both as gaps", () => {
    const table = maybeTable({ n: [1.5, null, NaN, -2] });
    const back = tableFromIPC(encode(table).bytes).getChild("n")!;
    expect(back.nullCount).toBe(1);
    expect([back.get(0), back.get(1), back.get(3)]).toEqual([1.5, null, -2]);
    expect(Number.isNaN(back.get(2))).toBe(true);
    expect(Array.from(toFloat64(table.getChild("n")!))).toEqual([1.5, NaN, NaN, -2]);
  });

  test("an object of columns, typed arrays and repeated strings (dictionary)", () => {
    const n = 1000;
    const table = maybeTable({ x: Float64Array.from({ length: n }, (_, i) => i), kind: Array.from({ length: n }, (_, i) => (i % 2 ? "odd" : "even")) });
    expect(table.numRows).toBe(n);
    expect(String(table.getChild("kind")!.type)).toBe("Dictionary<Int8, Utf8>");
    expect(tableFromIPC(encode(table).bytes).getChild("kind")!.get(3)).toBe("odd");
  });

  test("the same strings built into a table twice hash the same (dictionary ids do not leak in)", () => {
    const columns = () => ({ a: Array.from({ length: 100 }, (_, i) => (i % 3 ? "x" : "y")), b: Array.from({ length: 100 }, (_, i) => (i % 2 ? "p" : "q")) });
    const first = encode(maybeTable(columns()));
    const second = encode(maybeTable(columns()));
    expect(second.hash).toBe(first.hash);
    const back = tableFromIPC(second.bytes);
    expect([back.getChild("a")!.get(1), back.getChild("b")!.get(1)]).toEqual(["x", "p"]);
  });

  test("an Arrow table is used as is; the same object is converted and encoded once", () => {
    const arrow = tableFromArrays({ a: Float64Array.of(1, 2) });
    expect(maybeTable(arrow)).toBe(arrow);
    const rows = [{ a: 1 }];
    expect(maybeTable(rows)).toBe(maybeTable(rows));
    expect(encode(maybeTable(rows))).toBe(encode(maybeTable(rows)));
    expect(encode(maybeTable([{ a: 1 }])).hash).toBe(encode(maybeTable(rows)).hash);
  });

  test("data changed in place is converted again; unchanged data is not", () => {
    const rows: { n: number; at?: Date; tag?: object }[] = [{ n: 1 }];
    const first = maybeTable(rows);
    expect(maybeTable(rows)).toBe(first);
    rows.push({ n: 2 });
    expect(maybeTable(rows).numRows).toBe(2);
    rows[0]!.n = 5;
    expect(maybeTable(rows).getChild("n")!.get(0)).toBe(5);
    rows[1]!.at = new Date(7); // a new key: a new column
    expect(maybeTable(rows).getChild("at")!.get(1)).toBe(7);
    rows[1]!.at.setTime(9); // the same Date object, changed
    expect(maybeTable(rows).getChild("at")!.get(1)).toBe(9);
    rows[0]!.tag = { a: 1 };
    expect(maybeTable(rows).getChild("tag")!.get(0)).toBe('{"a":1}');
    (rows[0]!.tag as { a: number }).a = 2;
    expect(maybeTable(rows).getChild("tag")!.get(0)).toBe('{"a":2}');
    rows.length = 0;
    expect(maybeTable(rows).numRows).toBe(0);

    const ys = new Float64Array([1, 2, 3]);
    const names = ["a", "b", "c"];
    const columns: Record<string, ArrayLike<unknown>> = { y: ys, name: names };
    const table = maybeTable(columns);
    expect(maybeTable(columns)).toBe(table);
    ys[1] = 20;
    expect(table.getChild("y")!.get(1)).toBe(2); // the table made before is a copy
    expect(maybeTable(columns).getChild("y")!.get(1)).toBe(20);
    names[2] = "z";
    expect(maybeTable(columns).getChild("name")!.get(2)).toBe("z");
    columns.extra = [0, 0, 0];
    expect(maybeTable(columns).numCols).toBe(3);
    const again = maybeTable(columns);
    expect(maybeTable(columns)).toBe(again);
  });

  test("mixed and object values become text", () => {
    const table = maybeTable([{ v: 1 }, { v: "two" }, { v: { three: 3 } }]);
    expect(table.getChild("v")!.toArray()).toEqual(["1", "two", '{"three":3}']);
  });

  test("bad input names what is wrong", () => {
    expect(() => maybeTable(42)).toThrow(DataError);
    expect(() => maybeTable([1, 2])).toThrow(/row objects/);
    expect(() => maybeTable({ a: [1, 2], b: [1] })).toThrow(/different lengths/);
  });

  test("toFloat64 reads dates as epoch ms and nulls as NaN", () => {
    const table = maybeTable([{ d: new Date(5) }, { d: null }]);
    const values = toFloat64(table.getChild("d")!);
    expect(values[0]).toBe(5);
    expect(Number.isNaN(values[1]!)).toBe(true);
  });
});
