import { Storage } from "@google-cloud/storage";
import { tableFromIPC } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBigQueryServer, type BigQueryServer } from "../../packages/runtime/src/local/bigquery-server.ts";
import { startGcsServer, type GcsServer } from "../../packages/runtime/src/local/gcs-server.ts";
import type { LiveValue } from "../../packages/runtime/src/sources/hub.ts";
import { SourceHub, sourceKey, type SourceSpec } from "../../packages/runtime/src/sources/hub.ts";
import type { SourceState } from "../../packages/runtime/src/sources/source.ts";
import { FakeClock } from "./fake-clock.ts";

process.env.METADATA_SERVER_DETECTION = "none";

let gcs: GcsServer;
let bq: BigQueryServer;
const saved = {
  storage: process.env.STORAGE_EMULATOR_HOST,
  bigquery: process.env.BIGQUERY_EMULATOR_HOST,
  project: process.env.GOOGLE_CLOUD_PROJECT,
};

beforeAll(async () => {
  gcs = await startGcsServer();
  bq = await startBigQueryServer({
    seed: { metrics: { visits: [{ day: "mon", n: 3 }] } },
  });
  process.env.STORAGE_EMULATOR_HOST = gcs.url;
  process.env.BIGQUERY_EMULATOR_HOST = bq.url;
  process.env.GOOGLE_CLOUD_PROJECT = "demo-test";
});
afterAll(async () => {
  for (const [name, value] of [
    ["STORAGE_EMULATOR_HOST", saved.storage],
    ["BIGQUERY_EMULATOR_HOST", saved.bigquery],
    ["GOOGLE_CLOUD_PROJECT", saved.project],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await gcs.close();
  await bq.close();
});

const downloads = (server: GcsServer) => server.requests.filter((r) => r.path.includes("alt=media")).length;
const rows = (state: SourceState<LiveValue> | undefined) => {
  if (state?.value.kind !== "table") throw new Error("expected a table");
  return tableFromIPC(state.value.ipc)
    .toArray()
    .map((r: { toJSON(): Record<string, unknown> }) => ({ ...r.toJSON() }));
};

describe("SourceHub", () => {
  it("derives one key from a spec's content", () => {
    const a: SourceSpec = {
      kind: "bigquery",
      sql: "SELECT 1",
      params: { x: 1, y: "a" },
      every: "1m",
    };
    const b: SourceSpec = {
      kind: "bigquery",
      sql: "SELECT 1",
      params: { y: "a", x: 1 },
      every: 5000,
    };
    expect(sourceKey(a)).toBe(sourceKey(b));
    expect(sourceKey(a)).not.toBe(sourceKey({ ...a, params: { x: 2, y: "a" } }));
    expect(sourceKey({ kind: "gcs", uri: "gs://b/x" })).not.toBe(sourceKey({ kind: "gcs", uri: "gs://b/x", latest: true }));
  });

  it("uses STORAGE_EMULATOR_HOST and BIGQUERY_EMULATOR_HOST with the default clients", async () => {
    gcs.putObject("env", "hello.json", JSON.stringify([{ greeting: "hi" }]));
    const hub = new SourceHub({ clock: new FakeClock(), onChange: () => {} });
    expect(rows(await hub.read("s", { kind: "gcs", uri: "gs://env/hello.json" }))).toEqual([{ greeting: "hi" }]);
    const visits = await hub.read("s", {
      kind: "bigquery",
      sql: "SELECT day, n FROM `demo-test.metrics.visits` WHERE n > @min",
      params: { min: 1 },
    });
    expect(rows(visits)).toEqual([{ day: "mon", n: 3 }]);
    hub.close();
  });

  it.each([1, 10, 1000])("downloads once for %i sessions and reruns all of them on change", async (n) => {
    const name = `shared-${n}.csv`;
    gcs.putObject("many", name, "x\n1\n");
    const clock = new FakeClock();
    const changed: string[][] = [];
    const hub = new SourceHub({
      clock,
      onChange: (_k, s) => changed.push(s),
    });
    const spec: SourceSpec = {
      kind: "gcs",
      uri: `gs://many/${name}`,
      every: "10s",
    };
    const d0 = downloads(gcs);
    const r0 = gcs.requests.length;
    const sessions = Array.from({ length: n }, (_, i) => `s${i}`);
    await Promise.all(sessions.map((s) => hub.read(s, spec)));
    expect(downloads(gcs) - d0).toBe(1);
    for (let i = 0; i < 3; i++) {
      await clock.advance(10_000);
      await hub.idle();
    }
    expect(downloads(gcs) - d0).toBe(1); // unchanged: metadata only
    expect(gcs.requests.length - r0).toBe(1 + 1 + 3); // first metadata + download + one metadata per interval
    gcs.putObject("many", name, "x\n2\n");
    await clock.advance(10_000);
    await hub.idle();
    expect(downloads(gcs) - d0).toBe(2);
    expect(changed).toEqual([sessions]);
    hub.close();
  });

  it("marks a source stale while the server is down and recovers when it is back", async () => {
    const server = await startGcsServer();
    const port = server.port;
    server.putObject("flaky", "data.csv", "v\n1\n");
    const clock = new FakeClock();
    const events: string[] = [];
    let lastStale: SourceState<LiveValue> | undefined;
    // This test's own server: STORAGE_EMULATOR_HOST (set above) would win over apiEndpoint.
    process.env.STORAGE_EMULATOR_HOST = server.url;
    const storage = new Storage({
      apiEndpoint: server.url,
      projectId: "demo-test",
      retryOptions: { autoRetry: false },
    });
    process.env.STORAGE_EMULATOR_HOST = gcs.url;
    const hub = new SourceHub({
      clock,
      storage: () => storage,
      onChange: (_k, s) => events.push(`change ${s.join(",")}`),
      onStale: (_k, s, state) => {
        events.push(`stale ${s.join(",")}`);
        lastStale = state;
      },
      onRecover: (_k, s) => events.push(`recover ${s.join(",")}`),
    });
    const spec: SourceSpec = {
      kind: "gcs",
      uri: "gs://flaky/data.csv",
      every: 1000,
    };
    await hub.read("a", spec);
    await hub.read("b", spec);
    await server.close();
    await clock.advance(1000);
    await hub.idle();
    expect(events).toEqual(["stale a,b"]);
    expect(lastStale?.stale?.error).toMatch(/could not reach Cloud Storage at http:\/\/127.0.0.1:\d+ to read gs:\/\/flaky\/data.csv/);
    expect(rows(lastStale)).toEqual([{ v: 1 }]); // the last good data is kept
    expect(rows(hub.peek(sourceKey(spec)))).toEqual([{ v: 1 }]);

    const back = await startGcsServer({ port });
    try {
      back.putObject("flaky", "data.csv", "v\n2\n");
      await clock.advance(1000); // the first retry comes after `every`, then 2x, 4x...
      await hub.idle();
      expect(events).toEqual(["stale a,b", "recover a,b", "change a,b"]);
      expect(rows(hub.peek(sourceKey(spec)))).toEqual([{ v: 2 }]);
      expect(hub.peek(sourceKey(spec))?.stale).toBeUndefined();
    } finally {
      hub.close();
      await back.close();
    }
  });

  it("stops polling sources no session reads any more", async () => {
    gcs.putObject("gone", "a.txt", "a");
    const clock = new FakeClock();
    const hub = new SourceHub({ clock, onChange: () => {} });
    const spec: SourceSpec = {
      kind: "gcs",
      uri: "gs://gone/a.txt",
      every: 1000,
    };
    await hub.read("s", spec);
    expect(clock.pending).toBe(1);
    hub.release("s", new Set());
    expect(hub.keys()).toEqual([]);
    expect(clock.pending).toBe(0);
    const r0 = gcs.requests.length;
    await clock.advance(10_000);
    expect(gcs.requests.length).toBe(r0);
    hub.close();
  });
});
