// Many machines (issue 13), shared sources and cache: N `dash serve` replicas (real processes of
// the built CLI) on Debian's redis-server, polling the local GCS server.
//  - polls per interval for the cluster: GCS listings over 10 intervals of 1 s, for 1 and 3 replicas;
//  - Redis round trips per rerun with nothing changed: every command Redis receives (MONITOR)
//    while 200 button clicks (each a rerun that changes nothing) are handled, source interval 60 s.
//    Commands on the sources' keys (\`:src:\`) come from their own timers (the lease holder renews
//    every 5 s, followers retry at the lease's expiry), whatever the reruns: they are printed
//    apart. Everything else counts against the reruns. (INFO commandstats, used before, counts the
//    commands a Lua script runs as well as its EVAL, and its background window was a different
//    2 s: one lease renewal, EVAL + GET + PEXPIRE, read as "3 commands in 200 reruns".)
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "redis";
import WebSocket from "ws";
import { startGcsServer } from "../packages/runtime/src/local/gcs-server.ts";
import { freePort, startRedis, type TestRedis } from "../test/support/redis.ts";
import type { GcsServer } from "../packages/runtime/src/local/gcs-server.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, path.basename(here) === "out" ? "../.." : ".."); // bundled into bench/out
const bucket = "bench";
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(predicate: () => unknown, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await sleep(50);
  }
}

async function replica(redis: TestRedis, gcs: GcsServer, every: string): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [path.join(root, "packages/cli/dist/bin.js"), "serve", path.join(root, "bench/fixtures/cluster-app.ts"), "--port", String(port)],
    {
      env: { ...process.env, DASH_REDIS_URL: redis.url, STORAGE_EMULATOR_HOST: gcs.url, DASH_BENCH_BUCKET: bucket, DASH_BENCH_EVERY: every },
      stdio: "ignore",
    },
  );
  await until(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.ok === true);
  return { child, port };
}

interface Viewer {
  ws: WebSocket;
  button: string | null;
  runs: number;
}

function viewer(port: number): Viewer {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/_dash/ws`);
  const state: Viewer = { ws, button: null, runs: 0 };
  ws.on("open", () => ws.send(JSON.stringify({ t: "hello" })));
  ws.on("message", (data, binary) => {
    if (binary) return;
    const message = JSON.parse(String(data)) as { t: string; status?: string; nodes?: Record<string, WireNode>; patch?: { nodes?: Record<string, WireNode> } };
    if (message.t === "status" && message.status === "idle") state.runs++;
    for (const node of Object.values(message.nodes ?? message.patch?.nodes ?? {})) if (node.type === "button") state.button = String(node.props.id);
  });
  return state;
}

type WireNode = { type: string; props: Record<string, unknown> };

const gcs = await startGcsServer();
gcs.createBucket(bucket);
gcs.putObject(bucket, "windows/0001.json", JSON.stringify([{ w: 1 }]), "application/json");
const listings = () => gcs.requests.filter((r) => r.method === "GET" && r.path.includes(`/b/${bucket}/o?`)).length;

for (const n of [1, 3]) {
  const redis = await startRedis();
  const replicas = await Promise.all(Array.from({ length: n }, () => replica(redis, gcs, "1s")));
  const viewers = replicas.map((r) => viewer(r.port));
  await until(() => viewers.every((v) => v.runs > 0));
  await sleep(2000);
  const before = listings();
  await sleep(10_000);
  console.log(`polls per interval, ${n} replica${n > 1 ? "s" : ""} (1 s interval, 10 s): ${((listings() - before) / 10).toFixed(1)}`);
  for (const v of viewers) v.ws.close();
  for (const r of replicas) r.child.kill("SIGKILL");
  await redis.stop();
}

{
  const redis = await startRedis();
  const replicas = await Promise.all([0, 1, 2].map(() => replica(redis, gcs, "60s")));
  const viewers = replicas.map((r) => viewer(r.port));
  await until(() => viewers.every((v) => v.runs > 0 && v.button));
  const monitor = createClient({ url: redis.url });
  await monitor.connect();
  /** Commands from the replicas (not this monitor's own), as MONITOR prints them; `null` outside the window. */
  let seen: string[] | null = null;
  await monitor.monitor((line: string) => {
    if (seen && !line.includes("[0 lua]")) seen.push(line);
  });
  await sleep(2000);
  const clicks = 200;
  const started = Date.now();
  seen = [];
  const runsBefore = viewers.map((v) => v.runs);
  for (let i = 0; i < clicks; i++) {
    const v = viewers[i % 3]!;
    v.ws.send(JSON.stringify({ t: "click", id: v.button }));
    await sleep(10);
  }
  await until(() => viewers.every((v, i) => v.runs - runsBefore[i]! >= Math.floor(clicks / 3)));
  await sleep(200); // a write a run's end would cause is on its way
  const window: string[] = seen;
  seen = null;
  const elapsed = Date.now() - started;
  const timers = window.filter((line) => line.includes(":src:")).length;
  const others = window.filter((line) => !line.includes(":src:"));
  console.log(
    `Redis round trips per rerun with nothing changed: ${(others.length / clicks).toFixed(3)} (${clicks} reruns over ${elapsed} ms: ${others.length} commands; also ${timers} on the sources' lease timers)`,
  );
  for (const line of others.slice(0, 5)) console.log(`  ${line.slice(0, 160)}`);
  await monitor.close();
  for (const v of viewers) v.ws.close();
  for (const r of replicas) r.child.kill("SIGKILL");
  await redis.stop();
}
await gcs.close();
process.exit(0);
