/**
 * The live-data wiring as an author sees it, in-process through `dash/testing`: fake connector
 * data, staleness shown in the page, first-load errors, one shared `poll` for many sessions, and
 * a real GCS source (local server) that reruns its readers by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tableFromArrays } from "apache-arrow";
import path from "node:path";
import { testApp, type TestApp } from "../../packages/cli/src/testing.ts";
import { startGcsServer, type GcsServer } from "../../packages/runtime/src/local/gcs-server.ts";

const apps = path.join(import.meta.dirname, "apps");

async function until(what: string, predicate: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const texts = (app: TestApp) => app.getAll("markdown").map((e) => String(e.value));

describe("testApp({ sources })", () => {
  it("answers gcs, bigquery and file reads with fake data", async () => {
    const calls: unknown[] = [];
    const app = await testApp(path.join(apps, "fake-sources.ts"), {
      sources: {
        gcs: (uri, options) => {
          calls.push([uri, options.latest]);
          return JSON.stringify([{ hashtag: "#ts", count: 3 }]);
        },
        bigquery: (_sql, params) => [{ state: params.state, n: 7 }],
        file: () => tableFromArrays({ day: ["mon", "tue"], total: Float64Array.from([1, 2]) }),
      },
    });
    expect(app.exceptions).toEqual([]);
    expect(texts(app)).toEqual(['gcs 1 {"hashtag":"#ts","count":3}', 'bigquery [{"state":"CA","n":7}]', "file 2 day,total"]);
    expect(calls).toEqual([["gs://tags/windows/", true]]);
    app.select("State").set("TX");
    await app.run();
    expect(texts(app)[1]).toBe('bigquery [{"state":"TX","n":7}]');
    app.close();
  });

  it("shows a failed first load as an error that names the source and the script line", async () => {
    const app = await testApp(path.join(apps, "fake-sources.ts"), {
      sources: {
        gcs: () => {
          throw new Error("bucket tags not found (reading gs://tags/windows/)");
        },
      },
    });
    const [error] = app.exceptions;
    expect(error?.props.name).toBe("SourceError");
    expect(error?.props.message).toBe("bucket tags not found (reading gs://tags/windows/)");
    expect(String(error?.props.file)).toMatch(/fake-sources\.ts$/);
    expect(error?.props.line).toBe(5);
    app.close();
  });

  it("keeps the last good data when a source fails, marks it stale, and clears the mark on recovery", async () => {
    let down = false;
    let now = 1_000;
    const app = await testApp(path.join(apps, "fake-sources.ts"), {
      sources: {
        gcs: () => {
          if (down) throw new Error("could not reach Cloud Storage: ECONNREFUSED");
          return JSON.stringify([{ hashtag: "#ts", count: now }]);
        },
        bigquery: () => [{ state: "CA", n: 1 }],
        file: () => "a,b\n1,2\n",
      },
    });
    expect(app.getAll("sourceStatus")).toEqual([]);
    down = true;
    now = 2_000;
    await app.run();
    const status = app.get("sourceStatus");
    expect(status.props).toMatchObject({ source: "gs://tags/windows/", error: "could not reach Cloud Storage: ECONNREFUSED" });
    expect(typeof status.props.lastSuccess).toBe("number");
    expect(texts(app)[0]).toBe('gcs 1 {"hashtag":"#ts","count":1000}');
    // The status sits right after the read, before the element that shows the stale data.
    const types = app.main.map((e) => e.type);
    expect(types.indexOf("sourceStatus")).toBe(types.indexOf("markdown") - 1);
    down = false;
    await app.run();
    expect(app.getAll("sourceStatus")).toEqual([]);
    expect(texts(app)[0]).toBe('gcs 1 {"hashtag":"#ts","count":2000}');
    app.close();
  });
});

describe("poll", () => {
  const test = globalThis as unknown as { pollCalls: number; pollValue: unknown };

  it("is one fetch for many sessions, reruns all of them on change, and shows staleness", async () => {
    test.pollCalls = 0;
    test.pollValue = { n: 1 };
    const sessions = await Promise.all(Array.from({ length: 5 }, () => testApp(path.join(apps, "shared-poll.ts"))));
    expect(test.pollCalls).toBe(1);
    const shown = (app: TestApp) => JSON.stringify(app.get("json").props);
    for (const app of sessions) expect(shown(app)).toContain('"n":1');

    test.pollValue = { n: 2 };
    await until("every session to show n: 2", () => sessions.every((app) => shown(app).includes('"n":2')));
    const calls = test.pollCalls;
    await new Promise((resolve) => setTimeout(resolve, 250));
    // Unchanged data: polls go on (once per interval for all), nobody reruns.
    expect(test.pollCalls - calls).toBeLessThanOrEqual(4);

    test.pollValue = new Error("rates API answered 503");
    await until("every session to show the source as stale", () => sessions.every((app) => app.getAll("sourceStatus").length === 1));
    expect(sessions[0]!.get("sourceStatus").props).toMatchObject({ source: 'poll("shared")', error: "rates API answered 503" });
    expect(shown(sessions[0]!)).toContain('"n":2');

    test.pollValue = { n: 3 };
    await until("the stale mark to clear", () => sessions.every((app) => app.getAll("sourceStatus").length === 0 && shown(app).includes('"n":3')));
    for (const app of sessions) app.close();
  });
});

describe("cache", () => {
  it("is one call for many sessions when the entry script creates the cached function on each run", async () => {
    const test = globalThis as unknown as { cacheCalls: number };
    test.cacheCalls = 0;
    const sessions = await Promise.all(Array.from({ length: 5 }, () => testApp(path.join(apps, "cached.ts"))));
    for (const app of sessions) expect(app.get("text").value).toBe("CA");
    await sessions[0]!.run();
    expect(test.cacheCalls).toBe(1);
    for (const app of sessions) app.close();
  });
});

describe("a real GCS source in-process", () => {
  let gcs: GcsServer;
  const saved = process.env.STORAGE_EMULATOR_HOST;
  beforeAll(async () => {
    gcs = await startGcsServer();
    process.env.STORAGE_EMULATOR_HOST = gcs.url;
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.STORAGE_EMULATOR_HOST;
    else process.env.STORAGE_EMULATOR_HOST = saved;
    await gcs.close();
  });

  it("reruns its readers when a new object lands, and goes stale and back when the server stops and restarts", async () => {
    gcs.putObject("live", "windows/1.json", JSON.stringify([{ tag: "a" }]));
    const app = await testApp(path.join(apps, "one-source.ts"));
    expect(texts(app)).toEqual(['rows [{"tag":"a"}]']);
    gcs.putObject("live", "windows/2.json", JSON.stringify([{ tag: "b" }]));
    await until("the new window", () => texts(app)[0] === 'rows [{"tag":"b"}]');

    const port = gcs.port;
    await gcs.close();
    await until("the stale mark", () => app.getAll("sourceStatus").length === 1);
    expect(String(app.get("sourceStatus").props.error)).toMatch(/could not reach Cloud Storage|ECONNREFUSED/);
    expect(texts(app)).toEqual(['rows [{"tag":"b"}]']);

    gcs = await startGcsServer({ port });
    gcs.putObject("live", "windows/3.json", JSON.stringify([{ tag: "c" }]));
    await until("recovery", () => app.getAll("sourceStatus").length === 0 && texts(app)[0] === 'rows [{"tag":"c"}]', 8000);
    app.close();
  });
});
