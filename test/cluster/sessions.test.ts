/**
 * Sessions that survive any replica, against real parts: Debian's redis-server and `npx dash
 * serve` processes on 127.0.0.1 ports the test picks, viewers speaking dash's protocol.
 */
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createClient, RESP_TYPES } from "redis";
import { decodeSnapshot } from "../../packages/runtime/src/cluster/snapshot.ts";
import type { Snapshot } from "../../packages/runtime/src/cluster/snapshot.ts";
import { root } from "../e2e/harness.ts";
import { serve, type ServedApp } from "../support/dash-serve.ts";
import { startRedis, type TestRedis } from "../support/redis.ts";
import { Viewer } from "../support/viewer.ts";

const entry = path.join(root, "test/fixtures/cluster.ts");
let redis: TestRedis;
const apps: ServedApp[] = [];
const viewers: Viewer[] = [];

async function replica(args: string[] = []): Promise<ServedApp> {
  const app = await serve(entry, ["--redis-url", redis.url, ...args]);
  apps.push(app);
  return app;
}
async function viewer(url: string, hello?: Parameters<typeof Viewer.open>[1]): Promise<Viewer> {
  const v = await Viewer.open(url, hello);
  viewers.push(v);
  return v;
}
async function commands(name: string): Promise<number> {
  const client = createClient({ url: redis.url });
  await client.connect();
  const info = await client.info("commandstats");
  await client.close();
  return Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
}

/** The session's snapshot as Redis holds it. */
async function stored(sid: string, app = "cluster"): Promise<Snapshot | null> {
  const client = createClient({ url: redis.url }).withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  await client.connect();
  const data = await client.hGet(`dash:${app}:session:${sid}`, "data");
  await client.close();
  return data ? decodeSnapshot(data) : null;
}

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const v of viewers) v.close();
  await Promise.all(apps.map((app) => app.stop()));
  await redis?.stop();
});

test("a viewer whose replica is killed resumes on another with widgets and state, and the session has one owner", async () => {
  const [a, b] = await Promise.all([replica(), replica()]);
  const v = await viewer(a.url);
  await v.shows("name= level=2 clicks=0");
  v.set("textInput:Name", "Ada");
  await v.shows("name=Ada level=2");
  v.set("slider:Level", 7);
  await v.shows("level=7");
  v.send({ t: "click", id: "button:Add" });
  await v.shows("clicks=1");
  v.send({ t: "click", id: "button:Add" });
  await v.shows("name=Ada level=7 clicks=2");
  const session = v.session;
  // (A kill a few milliseconds after a run could beat its write: wait until Redis has it.)
  await expect.poll(async () => (await stored(session))?.state.clicks, { timeout: 5000 }).toBe(2);
  await a.kill("SIGKILL");
  const back = await viewer(b.url, { session, version: v.store.version, widgets: v.widgets() });
  await back.shows("name=Ada level=7 clicks=2");
  expect(back.session).toBe(session);
  expect(back.resumed).toBe(true);
  back.send({ t: "click", id: "button:Add" });
  await back.shows("clicks=3");

  // A third replica takes it over from a live one: the one that had it closes its copy, and
  // going back there resumes B's latest state, not the stale copy.
  const c = await replica();
  back.close();
  const third = await viewer(c.url, { session, version: back.store.version, widgets: back.widgets() });
  await third.shows("name=Ada level=7 clicks=3");
  third.send({ t: "click", id: "button:Add" });
  await third.shows("clicks=4");
  third.close();
  await new Promise((resolve) => setTimeout(resolve, 200)); // C notices the close
  const again = await viewer(b.url, { session, version: third.store.version, widgets: third.widgets() });
  await again.shows("name=Ada level=7 clicks=4");
  expect(again.session).toBe(session);
  again.close();
}, 60_000);

/** Script runs a replica has ended so far (its /metrics). */
async function runsOf(app: ServedApp): Promise<number> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  return Number(/^dash_runs_total (\d+)/m.exec(text)?.[1] ?? NaN);
}

test("viewers resuming together after their replica is killed share a first run per set of equal inputs", async () => {
  const [a, b] = await Promise.all([replica(), replica(["--workers", "1"])]);
  // 20 viewers: 10 with the slider at 7, 10 at 4.
  const level = (i: number): number => (i % 2 ? 7 : 4);
  const on = await Promise.all(Array.from({ length: 20 }, () => viewer(a.url)));
  await Promise.all(on.map((v) => v.shows("level=2 clicks=0")));
  on.forEach((v, i) => v.set("slider:Level", level(i)));
  await Promise.all(on.map((v, i) => v.shows(`level=${level(i)} clicks=0`)));
  for (const v of on)
    await expect.poll(async () => (await stored(v.session))?.widgets.find(([id]) => id === "slider:Level")?.[1], { timeout: 5000 }).toBe(level(on.indexOf(v)));
  expect(await runsOf(b)).toBe(0);
  await a.kill("SIGKILL");
  const back = await Promise.all(on.map((v) => viewer(b.url, { session: v.session, version: v.store.version, widgets: v.widgets() })));
  await Promise.all(back.map((v, i) => v.shows(`level=${level(i)} clicks=0`)));
  back.forEach((v, i) => expect([v.session, v.resumed]).toEqual([on[i]!.session, true]));
  // One run per level when they come back within the window (20 without sharing); on a loaded machine a burst may be split into a few.
  expect(await runsOf(b)).toBeLessThanOrEqual(15);
  // Each is its own session again: a click reruns one viewer only.
  back[0]!.send({ t: "click", id: "button:Add" });
  await back[0]!.shows("level=4 clicks=1");
  await back[1]!.shows("level=7 clicks=0");
}, 60_000);

test("with --auth, a session resumes on another replica only for its own user", async () => {
  const auth = ["--auth", "header:X-Forwarded-Email"];
  const [a, b] = await Promise.all([replica(auth), replica(auth)]);
  const ada = { "x-forwarded-email": "ada@example.com" };
  const v = await Viewer.open(a.url, {}, ada);
  viewers.push(v);
  await v.shows("clicks=0");
  v.send({ t: "click", id: "button:Add" });
  await v.shows("clicks=1");
  await expect.poll(async () => (await stored(v.session))?.state.clicks, { timeout: 5000 }).toBe(1);
  v.close();
  const eve = await v.reconnect(b.url, { "x-forwarded-email": "eve@example.com" });
  viewers.push(eve);
  await eve.shows("clicks=0");
  expect(eve.session).not.toBe(v.session);
  expect(eve.resumed).toBe(false);
  eve.close();
  const back = await v.reconnect(b.url, ada);
  viewers.push(back);
  await back.shows("clicks=1");
  expect(back.session).toBe(v.session);
  back.close();
}, 30_000);

/** Every command Redis receives from the replicas while `during` goes on (MONITOR; not those a Lua script runs inside its EVAL). */
async function monitored(during: () => Promise<void>): Promise<string[]> {
  const client = createClient({ url: redis.url });
  await client.connect();
  const seen: string[] = [];
  await client.monitor((line: string) => {
    if (!line.includes("[0 lua]")) seen.push(line);
  });
  await during();
  await client.close();
  return seen;
}

test("a rerun that changes nothing costs no Redis round trip (every command counted); a changed one costs one write", async () => {
  const a = apps.find((app) => app.exitCode() === null) ?? (await replica());
  const v = await viewer(a.url);
  await v.shows("clicks=0");
  v.set("slider:Level", 3);
  await v.shows("level=3");
  const session = v.session;
  await expect.poll(async () => (await stored(session))?.widgets.find(([id]) => id === "slider:Level")?.[1], { timeout: 5000 }).toBe(3);
  const idle = (): number => v.messages.filter((m) => m.t === "status" && m.status === "idle").length;
  const quiet = await monitored(async () => {
    const runs = idle();
    for (let i = 0; i < 20; i++) v.send({ t: "click", id: "button:Again" }); // reruns, nothing changes
    for (let i = 0; i < 20; i++) v.send({ t: "resync" }); // no rerun: the page again
    await v.until(() => idle() >= runs + 1, "the reruns");
    v.set("slider:Level", 3); // the same value: a rerun, the same snapshot
    await v.until(() => idle() >= runs + 2, "the same-value rerun");
    await new Promise((resolve) => setTimeout(resolve, 500)); // a write would be on its way
  });
  // Other tests' replicas keep their own sessions' keys alive on a timer (every ttl/4); everything else counts.
  const others = (line: string): boolean => /"PEXPIRE" "dash:cluster:session:/i.test(line) && !line.includes(session);
  expect(quiet.filter((line) => !others(line))).toEqual([]);
  const changed = await monitored(async () => {
    v.set("slider:Level", 4);
    await v.shows("level=4");
    await expect.poll(async () => (await stored(session))?.widgets.find(([id]) => id === "slider:Level")?.[1], { timeout: 5000 }).toBe(4);
  });
  // The one write; the rest are this test's own reads of the key (`stored`: a connection's HELLO, then HGET).
  const writes = changed.filter((line) => !/"(HGET|HELLO)"/i.test(line) && !others(line));
  expect(writes).toHaveLength(1);
  expect(writes[0]).toMatch(/"EVAL"[^]*session:/);
  v.close();
});

test("a session taken over by a page loaded at another URL reads that URL's query, not the snapshot's", async () => {
  const urlApp = path.join(root, "test/e2e/fixtures/url-query.ts");
  const [a, b] = await Promise.all([serve(urlApp, ["--redis-url", redis.url]), serve(urlApp, ["--redis-url", redis.url])]);
  apps.push(a, b);
  const v = await viewer(a.url, { query: { x: "1" } });
  await v.shows('widget \\"1\\"'); // (the page as JSON)
  await expect.poll(async () => (await stored(v.session, "url-query"))?.query.x, { timeout: 5000 }).toBe("1");
  v.close();
  // The same tab loads ?x=2 and lands on the other replica: a page load sends no version and no widget values.
  const back = await viewer(b.url, { session: v.session, query: { x: "2" } });
  await back.shows('query {\\"x\\":\\"2\\"}');
  await back.shows('widget \\"2\\"');
  expect(back.session).toBe(v.session);
  expect(back.resumed).toBe(true);
  await expect.poll(async () => (await stored(v.session, "url-query"))?.query.x, { timeout: 5000 }).toBe("2");
  back.close();
}, 30_000);

test("state that cannot be cloned is named in a warning; the rest is kept", async () => {
  const [a] = apps.filter((app) => app.exitCode() === null);
  const v = await viewer(a!.url);
  await v.shows("clicks=0");
  v.send({ t: "click", id: "button:Add" });
  await v.shows("clicks=1");
  v.send({ t: "click", id: "button:Keep a function" });
  await v.until(() => v.messages.some((m) => m.t === "warning" && m.message.includes('dash.state "callback"')), "the warning");
  const b = await replica();
  v.close();
  const back = await viewer(b.url, { session: v.session, version: v.store.version, widgets: v.widgets() });
  await back.shows("clicks=1");
  expect(back.session).toBe(v.session);
  back.close();
}, 30_000);

test("SIGTERM drains: /healthz 503 at once, sockets closed with 1012, the session resumes elsewhere, exit within the timeout", async () => {
  const [a, b] = await Promise.all([replica(["--drain-timeout", "3"]), replica()]);
  const v = await viewer(a.url);
  await v.shows("clicks=0");
  v.set("textInput:Name", "Grace");
  await v.shows("name=Grace");
  const exit = a.kill("SIGTERM");
  await v.until(() => v.closed !== null, "the socket to close");
  expect(v.closed).toBe(1012);
  const health = await fetch(`${a.url}/healthz`).then(
    (res) => res.status,
    () => 0, // already gone
  );
  expect([503, 0]).toContain(health);
  const { code, ms } = await exit;
  expect(code).toBe(0);
  expect(ms).toBeLessThan(3000);
  expect(a.stderr()).toMatch(/drained in \d+ ms/);
  const back = await viewer(b.url, { session: v.session, version: v.store.version, widgets: v.widgets() });
  await back.shows("name=Grace");
  expect(back.session).toBe(v.session);
  back.close();
}, 30_000);

test("Redis down: viewers keep being served; when it is back the replica writes its sessions again", async () => {
  const [a, b] = await Promise.all([replica(), replica()]);
  const v = await viewer(a.url);
  await v.shows("clicks=0");
  await redis.stop();
  v.set("textInput:Name", "Offline");
  await v.shows("name=Offline");
  v.send({ t: "click", id: "button:Add" });
  await v.shows("clicks=1");
  await redis.start(); // a fresh, empty Redis
  await expect.poll(() => a.stderr(), { timeout: 15_000 }).toMatch(/Redis is back/);
  await expect.poll(async () => (await commands("eval")) > 0, { timeout: 10_000 }).toBe(true);
  v.close();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const back = await viewer(b.url, { session: v.session, version: v.store.version, widgets: {} });
  await back.shows("name=Offline level=2 clicks=1");
  expect(a.stderr()).toMatch(/Redis unreachable/);
  back.close();
}, 60_000);
