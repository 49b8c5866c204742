// Many machines (issue 13), shared sources and cache: N `dash serve` replicas (real processes of
// the built CLI) on Debian's redis-server, polling the local GCS server.
//  - polls per interval for the cluster: GCS listings over 10 intervals of 1 s, for 1 and 3 replicas;
//  - Redis round trips per rerun with nothing changed: Redis commands (INFO commandstats) during
//    200 button clicks (each a rerun that changes nothing), minus the background (lease renewals,
//    followers' ticks) counted over a window as long with no clicks; source interval 60 s.
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

async function commands(client: { info(section: string): Promise<string> }): Promise<number> {
  const info = await client.info("commandstats");
  return [...info.matchAll(/calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}

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
  const client = createClient({ url: redis.url });
  await client.connect();
  await sleep(2000);
  const clicks = 200;
  const started = Date.now();
  let before = await commands(client);
  const runsBefore = viewers.map((v) => v.runs);
  for (let i = 0; i < clicks; i++) {
    const v = viewers[i % 3]!;
    v.ws.send(JSON.stringify({ t: "click", id: v.button }));
    await sleep(10);
  }
  await until(() => viewers.every((v, i) => v.runs - runsBefore[i]! >= Math.floor(clicks / 3)));
  const elapsed = Date.now() - started;
  const during = (await commands(client)) - before - 1; // minus this INFO
  before = await commands(client);
  await sleep(elapsed);
  const background = (await commands(client)) - before - 1;
  console.log(
    `Redis round trips per rerun with nothing changed: ${(Math.max(0, during - background) / clicks).toFixed(3)} (${clicks} reruns over ${elapsed} ms: ${during} commands; the same time without reruns: ${background})`,
  );
  await client.close();
  for (const v of viewers) v.ws.close();
  for (const r of replicas) r.child.kill("SIGKILL");
  await redis.stop();
}
await gcs.close();
process.exit(0);
