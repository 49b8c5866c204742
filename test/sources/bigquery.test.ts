import { BigQuery } from "@google-cloud/bigquery";
import { tableFromIPC, type Table } from "apache-arrow";
import { PassThroughClient } from "google-auth-library";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBigQueryServer, type BigQueryServer } from "../../packages/runtime/src/local/bigquery-server.ts";
import { bigquerySource, parameterType, referencedTables, toArrow } from "../../packages/runtime/src/sources/bigquery.ts";
import type { SourceValue } from "../../packages/runtime/src/sources/formats.ts";
import { SharedPoller } from "../../packages/runtime/src/sources/poller.ts";
import { FakeClock } from "./fake-clock.ts";

process.env.METADATA_SERVER_DETECTION = "none";

let server: BigQueryServer;
let bq: BigQuery;

beforeAll(async () => {
  server = await startBigQueryServer({
    seed: {
      shop: {
        orders: [
          {
            id: 1,
            state: "CA",
            total: 10.5,
            placed: new Date("2024-01-01T10:00:00Z"),
          },
          {
            id: 2,
            state: "TX",
            total: 20,
            placed: new Date("2024-01-02T11:30:00Z"),
          },
          {
            id: 3,
            state: "CA",
            total: 5.25,
            placed: new Date("2024-01-03T12:00:00Z"),
          },
        ],
      },
    },
  });
  bq = new BigQuery({
    apiEndpoint: server.apiEndpoint,
    projectId: "demo-test",
    authClient: new PassThroughClient(),
    autoRetry: false,
  });
});
afterAll(async () => {
  await server.close();
});

function table(value: SourceValue): Table {
  if (value.kind !== "table") throw new Error(`expected a table, got ${value.kind}`);
  return tableFromIPC(value.ipc);
}
function rows(value: SourceValue): Record<string, unknown>[] {
  return table(value)
    .toArray()
    .map((r: { toJSON(): Record<string, unknown> }) => ({ ...r.toJSON() }));
}
const queries = () => server.requests.filter((r) => r.method === "POST" && r.path.includes("/queries")).length;
const metadataReads = () => server.requests.filter((r) => r.method === "GET" && r.path.includes("/tables/")).length;

describe("local BigQuery server with the real client", () => {
  it("runs a query through bigquery.query and reads table metadata", async () => {
    const [result] = await bq.query({
      query: "SELECT id, state FROM `demo-test.shop.orders` WHERE state = @s ORDER BY id",
      params: { s: "CA" },
    });
    expect(result).toEqual([
      { id: 1, state: "CA" },
      { id: 3, state: "CA" },
    ]);
    const [meta] = await bq.dataset("shop").table("orders").getMetadata();
    expect(meta.numRows).toBe("3");
    expect(Number(meta.lastModifiedTime)).toBeGreaterThan(0);
  });

  it("pages results and runs jobs created with createQueryJob", async () => {
    const [job] = await bq.createQueryJob({
      query: "SELECT * FROM range(25) t(n)",
    });
    const [first, next] = (await job.getQueryResults({
      maxResults: 10,
      autoPaginate: false,
    })) as unknown as [unknown[], { pageToken?: string } | null];
    expect(first).toHaveLength(10);
    expect(next?.pageToken).toBe("10");
    const [all] = await job.getQueryResults();
    expect(all).toHaveLength(25);
  });
});

describe("bigquerySource", () => {
  it("skips the query while the tables are unchanged, and reruns exactly the readers when they change", async () => {
    const clock = new FakeClock();
    const changes: Array<[string, string[]]> = [];
    const poller = new SharedPoller<SourceValue>({
      clock,
      onChange: (k, s) => changes.push([k, s]),
    });
    const sql = "SELECT state, SUM(total) AS total FROM `demo-test.shop.orders` GROUP BY state ORDER BY state";
    await server.setTable("shop", "sales", [{ state: "CA", total: 1 }]);
    const source = () => bigquerySource(bq, sql.replace("orders", "sales"), { every: 60_000 });
    const q0 = queries();
    const [a, b] = await Promise.all([poller.read("s1", "sales", source()), poller.read("s2", "sales", source())]);
    expect(a).toBe(b);
    expect(queries() - q0).toBe(1);
    expect(rows(a.value)).toEqual([{ state: "CA", total: 1 }]);

    const m0 = metadataReads();
    for (let i = 0; i < 3; i++) {
      await clock.advance(60_000);
      await poller.idle();
    }
    expect(queries() - q0).toBe(1);
    expect(metadataReads() - m0).toBe(3);
    expect(changes).toEqual([]);

    await server.setTable("shop", "sales", [
      { state: "CA", total: 1 },
      { state: "NY", total: 7 },
    ]);
    poller.release("s2", new Set()); // s2's last run no longer read it
    await clock.advance(60_000);
    await poller.idle();
    expect(queries() - q0).toBe(2);
    expect(changes).toEqual([["sales", ["s1"]]]);
    expect(rows(poller.peek("sales")!.value)).toEqual([
      { state: "CA", total: 1 },
      { state: "NY", total: 7 },
    ]);
    poller.close();
  });

  it("re-runs queries without checkable tables but reruns sessions only when the result changes", async () => {
    const clock = new FakeClock();
    const changes: string[][] = [];
    const poller = new SharedPoller<SourceValue>({
      clock,
      onChange: (_k, s) => changes.push(s),
    });
    const source = bigquerySource(bq, "SELECT 42 AS answer", { every: 1000 });
    expect(source.check && (await source.check())).toBeUndefined();
    const q0 = queries();
    await poller.read("s", "answer", source);
    await clock.advance(1000);
    await poller.idle();
    expect(queries() - q0).toBe(2);
    expect(changes).toEqual([]);
    poller.close();
  });

  it("passes typed parameters", async () => {
    const sql = `SELECT @i AS i, @big AS big, @f AS f, @s AS s, @b AS b, @ts AS ts, @ids AS ids,
      (SELECT COUNT(*) FROM \`shop.orders\` WHERE placed >= @ts AND id <= ARRAY_LENGTH(@ids)) AS n`;
    const value = (
      await bigquerySource(bq, sql, {
        params: {
          i: 7,
          big: 9007199254740993n,
          f: 1.5,
          s: "it's",
          b: true,
          ts: new Date("2024-01-02T00:00:00Z"),
          ids: [1, 2, 3],
        },
      }).fetch()
    ).value;
    const [row] = rows(value);
    expect(row).toMatchObject({
      i: 7,
      big: 9007199254740993n,
      f: 1.5,
      s: "it's",
      b: true,
      ts: Date.UTC(2024, 0, 2),
      n: 2,
    });
    expect([...(row!.ids as Iterable<number>)]).toEqual([1, 2, 3]);
    expect(parameterType("x", 3)).toBe("INT64");
    expect(parameterType("x", 3.5)).toBe("FLOAT64");
    expect(parameterType("x", 3n)).toBe("INT64");
    expect(parameterType("x", "a")).toBe("STRING");
    expect(parameterType("x", false)).toBe("BOOL");
    expect(parameterType("x", new Date())).toBe("TIMESTAMP");
    expect(parameterType("x", ["a"])).toEqual(["STRING"]);
    expect(() => parameterType("x", null)).toThrow(/types: \{ x:/);
    expect(() => parameterType("x", [])).toThrow(/empty array/);
  });

  it("maps BigQuery types to Arrow types", async () => {
    const sql = `SELECT 1 AS small, 9007199254740993 AS huge, 2.5 AS dec, CAST(2.5 AS DOUBLE) AS dbl, TRUE AS flag, 'x' AS str,
      DATE '2024-03-04' AS day, TIMESTAMPTZ '2024-03-04 05:06:07.123+00' AS at, [1, 2] AS list,
      {'a': 1, 'b': 'z', 'c': [true]} AS rec, CAST(NULL AS VARCHAR) AS nothing, from_base64('AQI=') AS raw`;
    const t = table((await bigquerySource(bq, sql).fetch()).value);
    const types = Object.fromEntries(t.schema.fields.map((f) => [f.name, String(f.type)]));
    expect(types).toEqual({
      small: "Float64",
      huge: "Int64",
      dec: "Float64",
      dbl: "Float64",
      flag: "Bool",
      str: "Utf8",
      day: "Date32<DAY>",
      at: "Timestamp<MILLISECOND, UTC>",
      list: "List<Float64>",
      rec: "Struct<{a:Float64, b:Utf8, c:List<Bool>}>",
      nothing: "Utf8",
      raw: "Binary",
    });
    const row = t.get(0)!.toJSON() as Record<string, unknown>;
    expect(row).toMatchObject({
      small: 1,
      huge: 9007199254740993n,
      dec: 2.5,
      flag: true,
      str: "x",
      day: Date.UTC(2024, 2, 4),
      at: Date.UTC(2024, 2, 4, 5, 6, 7, 123),
      nothing: null,
    });
    expect([...(row.raw as Uint8Array)]).toEqual([1, 2]);
    expect((row.rec as { toJSON(): Record<string, unknown> }).toJSON()).toMatchObject({ a: 1, b: "z" });

    // DATETIME, NULL cells and REPEATED RECORD straight from the wire shape.
    const wire = toArrow(
      [
        { name: "dt", type: "DATETIME" },
        {
          name: "tags",
          type: "RECORD",
          mode: "REPEATED",
          fields: [{ name: "k", type: "STRING" }],
        },
        { name: "n", type: "INT64" },
      ],
      [
        {
          f: [{ v: "2024-01-01T10:00:00.5" }, { v: [{ v: { f: [{ v: "a" }] } }] }, { v: null }],
        },
      ],
    );
    expect(wire.schema.fields.map((f) => String(f.type))).toEqual(["Timestamp<MILLISECOND>", "List<Struct<{k:Utf8}>>", "Float64"]);
    expect(wire.get(0)!.toJSON()).toMatchObject({
      dt: Date.UTC(2024, 0, 1, 10, 0, 0, 500),
      n: null,
    });
  });

  it("reports bad SQL with BigQuery's message and position", async () => {
    await expect(bigquerySource(bq, "SELECT id FORM `shop.orders`").fetch()).rejects.toThrow(/failed: Syntax error: .* at \[1:\d+\]$/);
    await expect(bigquerySource(bq, "SELECT * FROM `shop.nope`").fetch()).rejects.toThrow(/nope/);
    const poller = new SharedPoller<SourceValue>({ onChange: () => {} });
    await expect(poller.read("s", "bad", bigquerySource(bq, "SELEC 1"))).rejects.toThrow(/Syntax error/);
    poller.close();
  });

  it("finds the tables a query reads", () => {
    expect(referencedTables("SELECT * FROM `p.d.t` JOIN d2.t2 USING (id) WHERE x = 'a.b'")).toEqual([
      { project: "p", dataset: "d", table: "t" },
      { project: undefined, dataset: "d2", table: "t2" },
    ]);
    expect(referencedTables("SELECT * FROM `p.d.events_*`")).toBeUndefined();
    expect(referencedTables("SELECT * FROM d.INFORMATION_SCHEMA.TABLES")).toBeUndefined();
    expect(referencedTables("SELECT 1")).toEqual([]);
  });
});
