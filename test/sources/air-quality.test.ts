/**
 * The air-quality example against the local BigQuery server (DuckDB) seeded with its sample data:
 * the real `@google-cloud/bigquery` client runs the example's SQL, the four modules follow the
 * state, the four queries are in flight at once, and within the hour a state already seen issues
 * no request at all. A proxy in front of the server holds each query for a moment and counts how
 * many are in flight together.
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { tableFromIPC } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testApp, type TestApp, type TestElement } from "../../packages/cli/src/testing.ts";
import { startBigQueryServer, type BigQueryServer } from "../../packages/runtime/src/local/bigquery-server.ts";
import { pollutionRows, seedTables, weatherDays, zipRows } from "../../examples/air-quality/sample.mjs";

const app = path.join(import.meta.dirname, "../../examples/air-quality/app.ts");
const saved = { ...process.env };
/** The longest a query is held waiting for the other three (ms). */
const queryHold = 3000;
const held: (() => void)[] = [];
let holding: NodeJS.Timeout | undefined;
const release = (): void => {
  clearTimeout(holding);
  held.splice(0).forEach((go) => go());
};

let server: BigQueryServer;
let proxy: Server;
let inFlight = 0;
let maxInFlight = 0;

const isQuery = (method: string, url: string): boolean => method === "POST" && /\/queries(\?|$)/.test(url);
const queries = (): number => server.requests.filter((r) => isQuery(r.method, r.path)).length;

beforeAll(async () => {
  server = await startBigQueryServer({ seed: seedTables() });
  proxy = createServer((req, res) => {
    const query = isQuery(req.method ?? "GET", req.url ?? "");
    if (query) maxInFlight = Math.max(maxInFlight, ++inFlight);
    const body: Buffer[] = [];
    req.on("data", (chunk: Buffer) => body.push(chunk));
    req.on("end", () => {
      const forward = (): void => {
        const upstream = request(`${server.apiEndpoint}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on("end", () => {
            if (query) inFlight--;
          });
        });
        upstream.end(Buffer.concat(body));
      };
      if (!query) return forward();
      // Hold each query until all four are in flight (or a while has passed): queries sent in
      // parallel meet here however loaded the machine is, queries sent one by one never do.
      held.push(forward);
      if (held.length === 1) holding = setTimeout(release, queryHold);
      if (held.length >= 4) release();
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  Object.assign(process.env, {
    BIGQUERY_EMULATOR_HOST: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/bigquery/v2`,
    GOOGLE_CLOUD_PROJECT: "local",
    METADATA_SERVER_DETECTION: "none",
  });
  delete process.env.AIR_QUALITY_DATA;
  delete process.env.AIR_QUALITY_PROJECT;
}, 120_000);

afterAll(async () => {
  for (const key of ["BIGQUERY_EMULATOR_HOST", "GOOGLE_CLOUD_PROJECT", "METADATA_SERVER_DETECTION", "AIR_QUALITY_DATA", "AIR_QUALITY_PROJECT"]) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
  await new Promise((resolve) => proxy?.close(resolve));
  await server?.close();
});

/** The rows behind a chart or table of the page (data travels as Arrow IPC, by hash). */
function rowsOf(page: TestApp, element: TestElement): Record<string, unknown>[] {
  const hashes = JSON.stringify(element.props).match(/[0-9a-f]{40,64}/g) ?? [];
  const hash = hashes.find((h) => page.data.has(h));
  if (!hash) throw new Error(`no data for ${element.type}: ${JSON.stringify(element.props).slice(0, 300)}`);
  return tableFromIPC(page.data.get(hash)!)
    .toArray()
    .map((row: { toJSON(): Record<string, unknown> }) => row.toJSON());
}

/** The four modules: pollutants, temperature, precipitation and ZIP codes. */
function modules(page: TestApp): Record<string, unknown>[][] {
  const charts = page.getAll("chart");
  expect(charts.length).toBe(3);
  return [...charts.map((c) => rowsOf(page, c)), rowsOf(page, page.get("table"))];
}

const caption = (page: TestApp, start: string): string =>
  String(
    page
      .getAll("caption")
      .map((e) => e.value)
      .find((v) => String(v).startsWith(start)),
  );

describe("examples/air-quality on the local BigQuery server", () => {
  let page: TestApp;

  it("runs the four queries at once and shows CA's data", async () => {
    page = await testApp(app, { timeout: 60 });
    expect(page.exceptions).toEqual([]);
    expect(caption(page, "Pollutants")).toContain("Data: BigQuery at http://127.0.0.1:");
    expect(caption(page, "Data took")).toMatch(/^Data took \d+\.\d ms\.$/);
    expect(queries()).toBe(4);
    expect(maxInFlight).toBe(4);

    const [air, temps, rain, zips] = modules(page);
    expect(air!.length).toBeGreaterThan(0);
    expect(temps!.length).toBeGreaterThan(0);
    expect(rain!.length).toBeGreaterThan(0);
    expect(zips!.map((z) => z.state)).toEqual(Array(100).fill("CA"));
    // The SQL over the seeded public tables gives back exactly the sample rows.
    expect(zips!.map((z) => [z.zip, z.population, z.city])).toEqual(zipRows("CA").map((z) => [z.zip, z.population, z.city]));
  });

  it("follows the state: new queries for TX, and every module changes", async () => {
    const before = modules(page);
    maxInFlight = 0;
    page.select("State").set("TX");
    await page.run();
    expect(page.exceptions).toEqual([]);
    expect(queries()).toBe(8);
    expect(maxInFlight).toBe(4);
    const after = modules(page);
    after.forEach((rows, i) => {
      expect(rows.length).toBeGreaterThan(0);
      expect(rows).not.toEqual(before[i]);
    });
    expect(after[3]!.every((z) => z.state === "TX")).toBe(true);
  });

  it("within the hour, a state already queried issues no request, in this session or another", async () => {
    const requests = server.requests.length;
    page.select("State").set("CA");
    await page.run();
    expect(page.exceptions).toEqual([]);
    const other = await testApp(app, { timeout: 60 });
    expect(modules(other)[3]!.every((z) => z.state === "CA")).toBe(true);
    other.select("State").set("TX");
    await other.run();
    expect(other.exceptions).toEqual([]);
    expect(modules(other)[3]!.every((z) => z.state === "TX")).toBe(true);
    expect(server.requests.length).toBe(requests);
    other.close();
    page.close();
  });
});

describe("the SQL returns the sample data", () => {
  it("pollutants, temperature and precipitation for CA match the generator", async () => {
    // Direct through the client, so the numbers are compared before any chart reshapes them.
    const { BigQuery } = await import("@google-cloud/bigquery");
    const { PassThroughClient } = await import("google-auth-library");
    const { sql } = await import("../../examples/air-quality/data.ts");
    const bq = new BigQuery({ apiEndpoint: server.apiEndpoint, projectId: "local", authClient: new PassThroughClient() as never });
    const run = async (text: string) => (await bq.query({ query: text, params: { state: "CA" } }))[0] as Record<string, unknown>[];
    const air = await run(sql.pollution);
    expect(air.map((r) => [r.year, r.pm10, r.pm25_frm ?? NaN, r.pm25_nonfrm ?? NaN, r.lead])).toEqual(
      pollutionRows("CA").map((r) => [r.year, r.pm10, r.pm25_frm, r.pm25_nonfrm, r.lead]),
    );
    const temps = await run(sql.temperature);
    const days = weatherDays("CA");
    expect(temps.length).toBe(366);
    expect(temps.map((r) => [r.min, r.max, r.avg])).toEqual(days.map((d) => [d.min, d.max, d.avg]));
    const rain = await run(sql.precipitation);
    expect(rain.map((r) => r.prcp)).toEqual(days.map((d) => d.prcp));
  });
});
