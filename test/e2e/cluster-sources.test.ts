/**
 * Three `npx dash serve` replicas (real processes of the built CLI) sharing Debian's redis-server
 * (DASH_REDIS_URL), polling the project's local GCS server: one listing per interval for the
 * cluster, one call of a cached function for the cluster, the lease holder killed with SIGKILL
 * (another replica takes over within about an interval), and Redis stopped for a while (every
 * replica keeps serving by polling for itself, then rejoins by itself when Redis is back).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import WebSocket from "ws";
import { startGcsServer, type GcsServer } from "../../packages/runtime/src/local/gcs-server.ts";
import { freePort, startRedis, type TestRedis } from "../support/redis.ts";
import { root } from "./harness.ts";

const bucket = "cluster";
let dir: string;
let gcs: GcsServer;
let redis: TestRedis;
let cacheLog: string;
const replicas: { child: ChildProcess; port: number; viewer: Viewer }[] = [];

interface Viewer {
  ws: WebSocket;
  texts: string[];
  shown(): string;
}

function view(port: number): Viewer {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/_dash/ws`);
  const texts: string[] = [];
  ws.on("open", () => ws.send(JSON.stringify({ t: "hello" })));
  ws.on("message", (data, binary) => !binary && texts.push(String(data)));
  ws.on("error", () => {});
  return {
    ws,
    texts,
    shown() {
      for (let i = texts.length - 1; i >= 0; i--) {
        const match = /window \d+ cached \d+ pid \d+/.exec(texts[i]!);
        if (match) return match[0];
      }
      return "";
    },
  };
}

async function until(what: string, predicate: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function startReplica(): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [path.join(root, "packages/cli/dist/bin.js"), "serve", path.join(root, "test/fixtures/cluster-app.ts"), "--port", String(port)],
    {
      env: { ...process.env, DASH_REDIS_URL: redis.url, STORAGE_EMULATOR_HOST: gcs.url, DASH_TEST_BUCKET: bucket, DASH_TEST_CACHE_LOG: cacheLog },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  child.stderr!.on("data", () => {}); // its log (Redis down/back lines) is not needed here
  await until(`replica on ${port}`, async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.ok === true, 30_000);
  return { child, port };
}

const listings = (): number => gcs.requests.filter((r) => r.method === "GET" && r.path.includes(`/b/${bucket}/o?`)).length;
const window = (n: number): void => void gcs.putObject(bucket, `windows/${String(n).padStart(4, "0")}.json`, JSON.stringify([{ w: n }]), "application/json");
const alive = () => replicas.filter((r) => r.child.exitCode === null && r.child.signalCode === null);
const metric = async (port: number, name: string): Promise<string | undefined> =>
  (await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).split("\n").find((line) => line.startsWith(`${name} `));

/** Listings the cluster makes over `ms`. */
async function listingsOver(ms: number): Promise<number> {
  const before = listings();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return listings() - before;
}

async function leaseHolderPid(): Promise<number | null> {
  const client = createClient({ url: redis.url });
  await client.connect();
  try {
    const keys = await client.keys("dash:*:src:*:lease");
    const token = keys[0] ? await client.get(keys[0]) : null;
    return token ? Number(token.split(":")[1]) : null;
  } finally {
    await client.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "dash-cluster-"));
  cacheLog = path.join(dir, "cache.log");
  gcs = await startGcsServer();
  gcs.createBucket(bucket);
  window(1);
  redis = await startRedis();
  for (const replica of await Promise.all([startReplica(), startReplica(), startReplica()])) replicas.push({ ...replica, viewer: view(replica.port) });
});

afterAll(async () => {
  for (const replica of replicas) {
    replica.viewer.ws.close();
    replica.child.kill("SIGKILL");
  }
  await redis?.stop();
  await gcs?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("three replicas on Redis", () => {
  test("one listing per interval and one cached call for the cluster; new data reaches every replica", async () => {
    await until("every viewer's first page", () => replicas.every((r) => r.viewer.shown().startsWith("window 1 cached 42")));
    expect(readFileSync(cacheLog, "utf8").trim().split("\n")).toHaveLength(1);
    const count = await listingsOver(5000);
    expect(count).toBeGreaterThanOrEqual(3);
    expect(count).toBeLessThanOrEqual(7); // 3 replicas polling for themselves: ~15
    window(2);
    await until("window 2 on every replica", () => replicas.every((r) => r.viewer.shown().startsWith("window 2")), 10_000);
  });

  test("the lease holder killed with SIGKILL: another replica takes over within about an interval", async () => {
    const holder = await leaseHolderPid();
    const victim = replicas.find((r) => r.child.pid === holder);
    expect(victim).toBeDefined();
    victim!.child.kill("SIGKILL");
    const killedAt = Date.now();
    await until("a new lease holder", async () => {
      const pid = await leaseHolderPid();
      return pid !== null && pid !== holder;
    });
    expect(Date.now() - killedAt).toBeLessThan(2500); // lease ttl = interval (1 s), plus scheduling slack
    window(3);
    await until("window 3 on the surviving replicas", () => alive().every((r) => r.viewer.shown().startsWith("window 3")), 10_000);
    const count = await listingsOver(4000);
    expect(count).toBeGreaterThanOrEqual(2);
    expect(count).toBeLessThanOrEqual(6);
  });

  test("Redis stopped: the replicas keep serving, say so in /metrics, and rejoin when it is back", async () => {
    await redis.stop();
    await until("dash_redis_up 0", async () =>
      (await Promise.all(alive().map((r) => metric(r.port, "dash_redis_up")))).every((line) => line === "dash_redis_up 0"),
    );
    window(4);
    await until("window 4 on every replica, each polling for itself", () => alive().every((r) => r.viewer.shown().startsWith("window 4")), 15_000);
    await redis.start();
    await until(
      "dash_redis_up 1",
      async () => (await Promise.all(alive().map((r) => metric(r.port, "dash_redis_up")))).every((line) => line === "dash_redis_up 1"),
      20_000,
    );
    await until("a lease holder again", async () => (await leaseHolderPid()) !== null);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const count = await listingsOver(4000);
    expect(count).toBeLessThanOrEqual(6); // back to one per interval (two replicas alone: ~8)
    window(5);
    await until("window 5 on every replica", () => alive().every((r) => r.viewer.shown().startsWith("window 5")), 10_000);
    expect(existsSync(cacheLog)).toBe(true);
  });
});
