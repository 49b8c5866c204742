/**
 * Many viewers (issue 13): how one replica, and three replicas on Redis, keep up with viewers of a
 * live page, and how fast viewers resume when their replica dies.
 *
 *   node scripts/build.mjs && npm run bench -- viewers
 *
 * Each replica is `npx dash serve` in a process of its own (from packages/cli/dist) with a
 * 20-element page that reads one `poll()` source every second (its value is the time it was
 * fetched); viewers are raw `ws` clients speaking dash's protocol, in two worker threads.
 * - poll→frame: ms from the fetch to each viewer receiving the patch that shows it, p50/p99, with
 *   the server's CPU share (of one core) and RSS, for 100, 1,000 and 10,000 viewers on one replica
 *   and 3 × 1,000 on three replicas sharing a redis-server (target: 10,000 at p99 ≤ 250 ms and
 *   RSS ≤ 1.5 GB; the cluster's p99 ≤ 1.5× one replica's at the same viewers per replica), with
 *   each replica's own p50/p99 (which one holds the source's lease), and beside it the same load
 *   without Redis (three replicas each polling for itself): what Redis itself costs, apart from
 *   three servers and their clients sharing 2 cores;
 * - Redis round trips per rerun that changes nothing but the data (expect 0), every command seen
 *   with MONITOR; the shared source's own (lease, versions: per poll) are counted apart;
 * - resume: 1,000 viewers, each with its own slider value, on a replica that is SIGKILLed; they
 *   reconnect to another (as the browser does, after 150–250 ms) and get their page back from the
 *   snapshot: ms from the kill to the page, p99 ≤ 3 s.
 * BENCH_VIEWERS="100 1000" runs a shorter list; BENCH_PARTS="cluster resume" (the default; "none"
 * for neither) picks the parts after the one-replica runs; BENCH_PROFILE=dir writes the replicas'
 * CPU profiles; BENCH_DASH_BIN=path/to/cli/dist/bin.js runs the replicas from another build.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import WebSocket from "ws";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

if (!isMainThread) {
  // ---- viewers: raw WebSocket sessions ------------------------------------------------------
  const viewers = [];
  let latencies = null;
  let resumes = null;
  /** After a kill: ms from it to each step of each viewer's way back (close seen, reconnect dialled, socket open, hello answered). */
  let steps = null;
  const step = (name) => steps?.[name].push(Date.now() - killedAt);
  let killedAt = 0;
  const outcomes = { resumed: 0, fresh: 0, failed: 0 };
  const open = (url, hello, viewer = { ws: null, url, session: "", version: 0, seen: 0, level: 0 }) =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url.replace("http", "ws")}/_dash/ws`, { origin: url, perMessageDeflate: false });
      viewer.ws = ws;
      viewer.url = url;
      let ready = false;
      ws.on("open", () => {
        if (hello.session) step("open");
        ws.send(JSON.stringify({ t: "hello", query: {}, ...hello }));
      });
      ws.on("message", (data, binary) => {
        if (binary) return;
        const text = String(data);
        const at = text.indexOf("tick:");
        if (at >= 0) {
          const tick = Number(text.slice(at + 5, text.indexOf(":", at + 5)));
          if (tick > viewer.seen) {
            viewer.seen = tick;
            if (latencies) (latencies[viewer.url] ??= []).push(Date.now() - tick);
          }
        }
        if (text.startsWith('{"t":"hello"')) {
          const hello = JSON.parse(text);
          if (resumes && viewer.session) outcomes[hello.session === viewer.session && hello.resumed ? "resumed" : "fresh"]++;
          if (resumes && viewer.session) step("hello");
          viewer.session = hello.session;
        }
        const version = /"version":(\d+)/.exec(text);
        if (version) viewer.version = Number(version[1]);
        if (resumes && text.startsWith('{"t":"full"') && text.includes(`"value":${viewer.level}`)) resumes.push(Date.now() - killedAt);
        if (!ready && text.includes('"status":"idle"')) {
          ready = true;
          resolve(viewer);
        }
      });
      ws.on("close", () => {
        if (!resumes || viewer.ws !== ws) return;
        step("closed");
        // The browser's reconnect after a dropped socket: 200 ms with ±25% jitter, to another replica.
        const again = () => {
          step("dialled");
          void open(workerData.fallback ?? url, { session: viewer.session, version: viewer.version }, viewer).catch(() => {
            outcomes.failed++;
            setTimeout(again, 500);
          });
        };
        setTimeout(again, 150 + Math.random() * 100);
      });
      ws.on("error", reject);
    });
  parentPort.on("message", async (message) => {
    if (message.t === "open") {
      const target = viewers.length + message.n;
      while (viewers.length < target) {
        const batch = Math.min(100, target - viewers.length);
        viewers.push(...(await Promise.all(Array.from({ length: batch }, () => open(message.url, {})))));
      }
      parentPort.postMessage({ t: "opened" });
    } else if (message.t === "measure") {
      latencies = {}; // by the replica's URL
      const elu = performance.eventLoopUtilization();
      await sleep(message.ms);
      // How busy this viewers' thread was: near 1, the viewers (not the server) set the figures.
      parentPort.postMessage({ t: "latencies", byUrl: latencies, busy: performance.eventLoopUtilization(elu).utilization });
      latencies = null;
    } else if (message.t === "levels") {
      // Each viewer moves its slider: snapshots that differ, as real sessions do.
      await Promise.all(
        viewers.map(async (viewer, i) => {
          viewer.level = 1 + ((i + message.offset) % 9);
          viewer.ws.send(JSON.stringify({ t: "set", id: "slider:Level", value: viewer.level }));
        }),
      );
      await sleep(message.settle);
      parentPort.postMessage({ t: "levelsSet" });
    } else if (message.t === "killed") {
      resumes = [];
      steps = { closed: [], dialled: [], open: [], hello: [] };
      killedAt = message.at;
      workerData.fallback = message.fallback;
      await sleep(message.ms);
      parentPort.postMessage({ t: "resumes", resumes, steps, n: viewers.length, outcomes });
      resumes = steps = null;
    } else if (message.t === "close") {
      resumes = null;
      for (const viewer of viewers) viewer.ws.terminate();
      viewers.length = 0;
      parentPort.postMessage({ t: "closed" });
    }
  });
} else {
  const { line, report, summarize } = await import("./lib/stats.mjs");
  const { startRedis } = await import("./lib/redis.mjs");

  const dir = mkdtempSync(path.join(tmpdir(), "dash-viewers-bench-"));
  const app = path.join(dir, "viewers.ts");
  writeFileSync(
    app,
    `import * as dash from "dash";
const tick = await dash.poll("tick", () => Date.now(), { every: 1000 });
dash.title("Viewers");
const level = dash.slider("Level", { min: 0, max: 10, value: 0 });
dash.text(\`tick:\${tick}: level \${level}\`);
for (let i = 0; i < 17; i++) dash.text(\`row \${i}\`);
`,
  );

  const { serveDash } = await import("./lib/dash-serve.mjs");
  // BENCH_PROFILE=dir: each replica writes a CPU profile there (node --cpu-prof) when it stops.
  const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_PROFILE] : [];
  // BENCH_DASH_BIN=…/packages/cli/dist/bin.js: the replicas run another build (a copy of main's, to compare).
  const bin = process.env.BENCH_DASH_BIN ? { bin: path.resolve(process.env.BENCH_DASH_BIN) } : {};
  if (bin.bin) console.log(`(replicas run ${bin.bin})`);
  /** `npx dash serve` in its own process; resolves once it listens. */
  const replica = (redisUrl) =>
    serveDash(
      app,
      ["--sessions-per-address", "100000", "--messages-per-second", "1000", ...(redisUrl ? ["--redis-url", redisUrl] : [])],
      {},
      { node: profile, ...bin },
    );

  const drivers = [0, 1].map(() => new Worker(new URL(import.meta.url), { workerData: {} }));
  const ask = (driver, message, reply) =>
    new Promise((resolve) => {
      const listener = (answer) => {
        if (answer.t !== reply) return;
        driver.off("message", listener);
        resolve(answer);
      };
      driver.on("message", listener);
      driver.postMessage(message);
    });
  const all = (message, reply) => Promise.all(drivers.map((driver) => ask(driver, message, reply)));
  /** Open `n` viewers on `url`, split over the drivers. */
  const openOn = (url, n) => Promise.all(drivers.map((driver, i) => ask(driver, { t: "open", url, n: Math.floor(n / 2) + (i < n % 2 ? 1 : 0) }, "opened")));
  const closeAll = () => all({ t: "close" }, "closed");

  async function measure(replicas, ms = 5000) {
    const cpu0 = replicas.map((r) => r.cpuSeconds());
    const started = performance.now();
    const from = process.hrtime.bigint() / 1000n;
    const answers = await all({ t: "measure", ms }, "latencies");
    // The measured window on the monotonic clock the CPU profiles' timestamps use (µs).
    if (profile.length) console.log(`  (profiled; measured from ${from} to ${process.hrtime.bigint() / 1000n} µs)`);
    const seconds = (performance.now() - started) / 1000;
    const cpu = replicas.map((r, i) => (r.cpuSeconds() - cpu0[i]) / seconds);
    /** Each replica's own latencies, in the order of `replicas`. */
    const each = replicas.map((r) => answers.flatMap((a) => a.byUrl[r.url] ?? []));
    return { latencies: each.flat(), each, cpu, rss: replicas.map((r) => r.rssMb()), busy: answers.map((a) => a.busy) };
  }

  const counts = (process.env.BENCH_VIEWERS ?? "100 1000 10000").split(/\s+/).filter(Boolean).map(Number);
  const p99s = new Map();
  for (const n of counts) {
    const server = await replica(null);
    const opening = performance.now();
    await openOn(server.url, n);
    const openSeconds = (performance.now() - opening) / 1000;
    await sleep(2500); // let the opening burst settle
    const { latencies, cpu, rss, busy } = await measure([server]);
    const s = report(`one replica, ${n.toLocaleString("en")} viewers: poll→frame`, latencies, "ms", n >= 10000 ? (x) => x.p99 <= 250 : undefined, 0);
    p99s.set(n, s.p99);
    line(
      `  server CPU ${(cpu[0] * 100).toFixed(0)}% of a core · RSS ${rss[0].toFixed(0)} MB · ${openSeconds.toFixed(1)} s to open · viewers' threads busy ${busy.map((b) => `${(b * 100).toFixed(0)}%`).join(" / ")}`,
      "",
      n >= 10000 ? rss[0] <= 1536 : undefined,
    );
    await closeAll();
    await server.stop();
  }

  // ---- three replicas on Redis, 1,000 viewers each -----------------------------------------
  const parts = (process.env.BENCH_PARTS ?? "cluster resume").split(/\s+/);
  const redis = await startRedis();
  const ms = (x) => `${x.toLocaleString("en")} ms`;
  /** p50/p99 of each replica's own viewers (`holder`: the replica polling the source for the cluster). */
  const perReplica = (cluster, each, holder) =>
    line(
      "  each replica's viewers, p50 / p99",
      cluster
        .map((server, i) => {
          const s = summarize(each[i]);
          return `${ms(s.p50)} / ${ms(s.p99)}${server === holder ? " (lease holder)" : ""}`;
        })
        .join(" · "),
    );
  if (parts.includes("cluster")) {
    const perReplicaViewers = 1000;
    const n = perReplicaViewers.toLocaleString("en");
    // The same load without Redis: three replicas, each polling the source for itself (at its own
    // phase), on the same 2 cores as the clients. What the cluster adds beyond sharing the box.
    const alone = await Promise.all([0, 1, 2].map(() => replica(null)));
    for (const server of alone) await openOn(server.url, perReplicaViewers);
    await sleep(2500);
    const baseline = await measure(alone);
    const sameLoad = report(`3 replicas without Redis (each polls for itself), ${n} viewers each: poll→frame`, baseline.latencies, "ms", undefined, 0).p99;
    perReplica(alone, baseline.each, null);
    line(
      `  server CPU ${baseline.cpu.map((c) => `${(c * 100).toFixed(0)}%`).join(" / ")} of a core · viewers' threads busy ${baseline.busy.map((b) => `${(b * 100).toFixed(0)}%`).join(" / ")}`,
      "",
    );
    await closeAll();
    await Promise.all(alone.map((server) => server.stop()));

    const cluster = await Promise.all([0, 1, 2].map(() => replica(redis.url)));
    for (const server of cluster) await openOn(server.url, perReplicaViewers);
    await sleep(2500);
    const recording = await redis.record();
    const { latencies, each, cpu, rss, busy } = await measure(cluster);
    const seen = await recording();
    const holderPid = (await redis.leaseHolders())[0]?.split(":")[1];
    const holder = cluster.find((server) => String(server.pid) === holderPid) ?? null;
    // The shared source's own commands (its lease, each new version stored and announced) come
    // once per poll for the cluster, whatever the viewers; everything else counts against the reruns.
    const commands = seen.filter((command) => !command.includes(":src:")).length;
    // (Compared with one replica at the same viewers only if this run measured it.)
    const single = p99s.get(perReplicaViewers);
    report(`3 replicas on Redis, ${n} viewers each: poll→frame`, latencies, "ms", single === undefined ? undefined : (x) => x.p99 <= 1.5 * single, 0);
    const p99 = summarize(latencies).p99;
    if (single !== undefined) line(`  p99 vs one replica at ${n} viewers (${single} ms)`, `${(p99 / single).toFixed(2)}×`);
    line(
      `  p99 vs three replicas without Redis at ${n} viewers each (${sameLoad} ms): what coordinating through Redis costs`,
      `${(p99 / sameLoad).toFixed(2)}×`,
    );
    perReplica(cluster, each, holder);
    line(
      `  server CPU ${cpu.map((c) => `${(c * 100).toFixed(0)}%`).join(" / ")} of a core · RSS ${rss.map((r) => r.toFixed(0)).join(" / ")} MB · viewers' threads busy ${busy.map((b) => `${(b * 100).toFixed(0)}%`).join(" / ")}`,
      "",
    );
    line(`  Redis commands per rerun that changed only the data (${latencies.length} updates seen)`, (commands / latencies.length).toFixed(4), commands === 0);
    line(`  Redis commands of the shared source meanwhile (lease renewals, versions; per poll, not per viewer)`, String(seen.length - commands));
    await closeAll();
    await Promise.all(cluster.map((server) => server.stop()));
  }

  if (parts.includes("resume")) {
    await redis.flush();
    // ---- resume after a kill ----------------------------------------------------------------
    const [a, b] = await Promise.all([replica(redis.url), replica(redis.url)]);
    await openOn(a.url, 1000);
    await all({ t: "levels", offset: 0, settle: 3000 }, "levelsSet");
    const at = Date.now();
    const resuming = all({ t: "killed", at, fallback: b.url, ms: 15000 }, "resumes");
    const killed = process.hrtime.bigint() / 1000n;
    await a.kill("SIGKILL");
    const answers = await resuming;
    if (profile.length) console.log(`  (profiled; killed at ${killed} µs)`);
    const resumes = answers.flatMap((answer) => answer.resumes);
    const sum = (key) => answers.reduce((total, answer) => total + answer.outcomes[key], 0);
    line("  reconnects", `${sum("resumed")} resumed their session, ${sum("fresh")} got a new one, ${sum("failed")} attempts refused`);
    for (const name of ["closed", "dialled", "open", "hello"])
      report(
        `  kill → ${name === "closed" ? "close seen" : name === "dialled" ? "reconnect dialled" : name === "open" ? "new socket open" : "hello answered"}`,
        answers.flatMap((answer) => answer.steps[name]),
        "ms",
        undefined,
        0,
      );
    report(
      `resume: 1,000 viewers after their replica was SIGKILLed, kill → page with their own slider`,
      resumes,
      "ms",
      (x) => x.p99 <= 3000 && x.n === 1000,
      0,
    );
    await closeAll();
    await b.stop();
  }
  await redis.stop();
  for (const driver of drivers) await driver.terminate();
  rmSync(dir, { recursive: true, force: true });
}
