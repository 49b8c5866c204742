/**
 * Live data (issue 4): what one shared poll per source costs and how fast new data reaches
 * viewers. A dash server runs in its own process with an app that reads a GCS prefix (newest
 * object), a BigQuery table and a `dash.cache`d HTTP call, all polled every second; the local
 * GCS and BigQuery servers and a counting HTTP server run here and count every request. Sessions
 * are raw `ws` clients (in a worker thread, so their parsing does not slow the servers here).
 *
 *   node scripts/build.mjs && npm run bench -- live
 *
 * - polls per interval with 1, 10 and 1,000 sessions: listings (GCS) and table checks (BigQuery)
 *   per interval; downloads and queries while nothing changed (expect 0);
 * - a new object: ms from the listing that saw it to each of 1,000 sessions receiving the new
 *   output (target p99 ≤ 250 ms);
 * - a new BigQuery table version: 1 query, and the cached call it keys, made concurrently by all
 *   1,000 sessions' reruns: underlying calls.
 */
import { startDash } from "./lib/dash-process.mjs";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import WebSocket from "ws";

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

if (!isMainThread) {
  // ---- the viewers: raw WebSocket sessions --------------------------------------------------
  const sessions = [];
  let watching = null;
  const open = () =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(workerData.url, { perMessageDeflate: false });
      const session = { ws, seen: null };
      ws.on("open", () => ws.send(JSON.stringify({ t: "hello", query: {} })));
      ws.on("message", (data, binary) => {
        if (binary) return;
        const text = String(data);
        if (!session.ready && text.includes('"status":"idle"')) {
          session.ready = true;
          resolve(session);
        }
        if (watching && session.seen === null && text.includes(watching)) {
          session.seen = now();
          if (sessions.every((s) => s.seen !== null)) report();
        }
      });
      ws.on("error", reject);
    });
  let deadline = null;
  const report = () => {
    clearTimeout(deadline);
    parentPort.postMessage({ t: "seen", times: sessions.map((s) => s.seen) });
    watching = null;
  };
  parentPort.on("message", async (message) => {
    if (message.t === "open") {
      while (sessions.length < message.n) {
        const batch = Math.min(50, message.n - sessions.length);
        sessions.push(...(await Promise.all(Array.from({ length: batch }, open))));
      }
      parentPort.postMessage({ t: "opened", n: sessions.length });
    } else if (message.t === "watch") {
      for (const s of sessions) s.seen = null;
      watching = message.marker;
      deadline = setTimeout(report, message.timeout);
    } else if (message.t === "close") {
      for (const s of sessions) s.ws.close();
      parentPort.postMessage({ t: "closed" });
    }
  });
} else {
  // ---- the servers and the measurements -----------------------------------------------------
  const { line, report, root } = await import("./lib/stats.mjs");
  const { startGcsServer, startBigQueryServer } = await import(path.join(root, "packages/cli/dist/local.js"));
  const every = 1000;

  const gcs = await startGcsServer();
  const bq = await startBigQueryServer({ seed: { live: { meta: [{ version: 1 }] } } });
  const stamp = (server) => {
    const times = [];
    const push = server.requests.push.bind(server.requests);
    server.requests.push = (...items) => {
      for (const item of items) times.push({ at: now(), ...item });
      return push(...items);
    };
    return times;
  };
  const gcsLog = stamp(gcs);
  const bqLog = stamp(bq);
  let calls = 0;
  const counter = createServer((req, res) => {
    calls++;
    setTimeout(() => res.end(`looked up ${new URL(req.url, "http://x").searchParams.get("v")}`), 100);
  });
  await new Promise((resolve) => counter.listen(0, "127.0.0.1", resolve));

  let window = 0;
  const writeWindow = () => gcs.putObject("bench", `windows/${String(++window).padStart(6, "0")}.json`, JSON.stringify([{ id: `w${window}`, n: window }]));
  writeWindow();

  const dir = mkdtempSync(path.join(tmpdir(), "dash-live-bench-"));
  const app = path.join(dir, "app.ts");
  writeFileSync(
    app,
    `import * as dash from "dash";
const every = ${every};
const lookup = dash.cache(async (version: string) => (await fetch(\`\${process.env.LIVE_COUNTER}/?v=\${version}\`)).text(), { ttl: "1h" });
const windows = await dash.gcs("gs://bench/windows/", { latest: true, every, format: "json" });
const meta = await dash.bigquery("SELECT version FROM \`bench.live.meta\`", { every });
const version = String(meta.get(0)?.version);
dash.markdown(\`window \${windows.get(0)?.id}; version \${version}; \${await lookup(version)}\`);
`,
  );
  const server = await startDash(app, {
    STORAGE_EMULATOR_HOST: gcs.url,
    BIGQUERY_EMULATOR_HOST: bq.url,
    GOOGLE_CLOUD_PROJECT: "bench",
    METADATA_SERVER_DETECTION: "none",
    LIVE_COUNTER: `http://127.0.0.1:${counter.address().port}`,
  });
  const url = server.url;
  const viewers = new Worker(new URL(import.meta.url), { workerData: { url: `${url.replace("http", "ws")}/_dash/ws` } });
  const ask = (message, reply) =>
    new Promise((resolve) => {
      const on = (answer) => {
        if (answer.t !== reply) return;
        viewers.off("message", on);
        resolve(answer);
      };
      viewers.on("message", on);
      viewers.postMessage(message);
    });

  const since = (log, at, test) => log.filter((r) => r.at >= at && test(r));
  const isListing = (r) => r.method === "GET" && r.path.includes("/b/bench/o?");
  const isDownload = (r) => r.path.includes("alt=media");
  const isTableCheck = (r) => r.method === "GET" && r.path.includes("/tables/");
  const isQuery = (r) => r.method === "POST" && /\/(queries|jobs)\b/.test(r.path);

  console.log(`live data · every ${every} ms · sessions are raw ws clients · app in its own process (2 script workers)`);
  for (const n of (process.env.LIVE_N ?? "1,10,1000").split(",").map(Number)) {
    const opening = now();
    await ask({ t: "open", n }, "opened");
    const opened = now() - opening;
    await sleep(1500);
    const from = now();
    const seconds = 6;
    await sleep(seconds * 1000);
    const listings = since(gcsLog, from, isListing);
    const checks = since(bqLog, from, isTableCheck);
    const gaps = listings.slice(1).map((r, i) => r.at - listings[i].at);
    const perInterval = listings.length / ((seconds * 1000) / every);
    line(
      `${String(n).padStart(4)} sessions: GCS listings per interval`,
      `${perInterval.toFixed(2)} (${listings.length} in ${seconds} s, shortest gap ${Math.round(Math.min(...gaps))} ms); BigQuery table checks ${checks.length}; downloads ${since(gcsLog, from, isDownload).length}, queries ${since(bqLog, from, isQuery).length} while unchanged (sessions opened in ${Math.round(opened)} ms)`,
      perInterval <= 1.01 && since(gcsLog, from, isDownload).length === 0 && since(bqLog, from, isQuery).length === 0,
    );
  }

  // New data: a new object under the prefix → every session's output.
  const latencies = [];
  for (let round = 0; round < Number(process.env.LIVE_ROUNDS ?? 5); round++) {
    const watch = ask({ t: "watch", marker: `window w${window + 1};`, timeout: 10_000 }, "seen");
    await sleep(50);
    const put = now();
    writeWindow();
    const { times } = await watch;
    const saw = gcsLog.find((r) => r.at >= put && isListing(r));
    const missing = times.filter((t) => t === null).length;
    if (missing) console.log(`  round ${round}: ${missing} sessions never showed the new window`);
    for (const t of times) if (t !== null && saw) latencies.push(t - saw.at);
    await sleep(300);
  }
  report("new object → 1,000 sessions' output, ms after the listing that saw it (5 rounds)", latencies, "ms", (s) => s.p99 <= 250, 0);

  // New table version: one query, and one cached lookup for all reruns (per script worker).
  const callsBefore = calls;
  const queryFrom = now();
  const watch = ask({ t: "watch", marker: "version 2;", timeout: 15_000 }, "seen");
  await bq.setTable("live", "meta", [{ version: 2 }]);
  const { times } = await watch;
  line(
    "new BigQuery table version: queries",
    `${since(bqLog, queryFrom, isQuery).length}; 1,000 sessions showed it: ${times.filter((t) => t !== null).length}; cached lookups they shared: ${calls - callsBefore} underlying call(s) (2 script workers sharing one cache through the main thread)`,
    since(bqLog, queryFrom, isQuery).length === 1,
  );

  await ask({ t: "close" }, "closed");
  await viewers.terminate();
  await server.stop();
  await gcs.close();
  await bq.close();
  counter.close();
  rmSync(dir, { recursive: true, force: true });
}
