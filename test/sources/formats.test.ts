import { tableFromArrays, tableFromIPC, tableToIPC } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { csvToTable, decode, formatFromName, parseCsv, rowsToTable, toTable } from "../../packages/runtime/src/sources/formats.ts";

const types = (t: { schema: { fields: Array<{ name: string; type: unknown }> } }) => Object.fromEntries(t.schema.fields.map((f) => [f.name, String(f.type)]));

describe("formats", () => {
  it("parses quoted CSV", () => {
    expect(parseCsv('a,b\r\n"x, ""y""",2\n\n')).toEqual([
      ["a", "b"],
      ['x, "y"', "2"],
    ]);
  });

  it("infers CSV column types", () => {
    const t = csvToTable("i,f,b,d,ts,zip,s,empty\n1,1.5,true,2024-01-02,2024-01-02 03:04:05,02134,x,\n2,,FALSE,2024-01-03,2024-01-02T03:04:05Z,10001,y,\n");
    expect(types(t)).toEqual({
      i: "Int32",
      f: "Float64",
      b: "Bool",
      d: "Date32<DAY>",
      ts: "Timestamp<MILLISECOND, UTC>",
      zip: "Utf8",
      s: "Utf8",
      empty: "Utf8",
    });
    expect(t.get(0)!.toJSON()).toMatchObject({
      i: 1,
      f: 1.5,
      b: true,
      d: Date.UTC(2024, 0, 2),
      ts: Date.UTC(2024, 0, 2, 3, 4, 5),
      zip: "02134",
      empty: null,
    });
    expect(t.get(1)!.toJSON()).toMatchObject({ f: null, b: false });
  });

  it("builds tables from JSON rows with nested values", () => {
    const t = rowsToTable([
      { a: 1, tags: ["x"], point: { x: 1, y: 2 }, mixed: 1, big: 1n },
      { a: 2.5, tags: [], point: null, mixed: "two", big: 2n },
    ]);
    expect(types(t)).toEqual({
      a: "Float64",
      tags: "List<Utf8>",
      point: "Struct<{x:Int32, y:Int32}>",
      mixed: "Utf8",
      big: "Int64",
    });
    expect(t.get(1)!.toJSON()).toMatchObject({
      a: 2.5,
      point: null,
      mixed: "two",
      big: 2n,
    });
  });

  it("decodes every format", async () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(await decode(enc("hi"), "text", "x")).toEqual({
      kind: "text",
      text: "hi",
    });
    const json = await decode(enc('[{"a":1},{"a":2}]'), "json", "x.json");
    expect(json.kind === "table" && tableFromIPC(json.ipc).numRows).toBe(2);
    await expect(decode(enc('{"a":1}'), "json", "x.json")).rejects.toThrow("Could not read x.json as json: expected a JSON array of row objects");
    await expect(decode(enc("{bad"), "ndjson", "x.ndjson")).rejects.toThrow(/Could not read x.ndjson as ndjson/);
    const arrowFile = tableToIPC(tableFromArrays({ v: Int32Array.from([1, 2, 3]) }), "file");
    expect((await toTable(arrowFile, "arrow", "x.arrow")).numRows).toBe(3);
    expect(formatFromName("a/b.CSV")).toBe("csv");
    expect(formatFromName("x.jsonl")).toBe("ndjson");
    expect(formatFromName("x.parquet")).toBe("parquet");
    expect(formatFromName("x.bin")).toBe("bytes");
  });
});

describe("parquet", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "dash-pq-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a Parquet file written by DuckDB", async () => {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    const file = join(dir, "t.parquet");
    await conn.run(`COPY (SELECT i::INTEGER AS i, i * 1.5 AS f, 'r' || i AS s, i % 2 = 0 AS even FROM range(5) t(i)) TO '${file}' (FORMAT parquet)`);
    conn.closeSync();
    db.closeSync();
    const t = await toTable(new Uint8Array(readFileSync(file)), "parquet", file);
    expect(t.numRows).toBe(5);
    expect(t.get(3)!.toJSON()).toMatchObject({
      i: 3,
      f: 4.5,
      s: "r3",
      even: false,
    });
  });
});
