/**
 * The snapshot store on a real redis-server: ownership changes hands atomically, a replica that
 * lost a session hears so and cannot overwrite it, a session is bound to its user, and the codec
 * keeps what structured clone keeps and names what it cannot.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { connectRedis, type RedisLink } from "../../packages/runtime/src/cluster/redis.ts";
import { RedisSnapshots } from "../../packages/runtime/src/cluster/snapshots.ts";
import { decodeSnapshot, encodeSnapshot, snapshotWarning } from "../../packages/runtime/src/cluster/snapshot.ts";
import { startRedis, type TestRedis } from "../support/redis.ts";

let redis: TestRedis;
const links: RedisLink[] = [];
async function store(): Promise<RedisSnapshots> {
  const link = await connectRedis({ url: redis.url, app: "store-test", log: () => {} });
  links.push(link);
  return new RedisSnapshots(link, { ttl: 60_000 });
}
const bytes = (clicks: number) => encodeSnapshot({ widgets: [["slider:Level", 3]], state: { clicks }, query: {}, page: "app" })!.bytes;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(links.map((link) => link.close()));
  await redis?.stop();
});

test("one owner at a time: a take-over is announced, and the old owner's writes are refused", async () => {
  const [a, b] = await Promise.all([store(), store()]);
  const lost: string[] = [];
  a.onTaken((sid) => lost.push(sid));
  a.save("s1", bytes(1), "");
  await a.flush();
  const claimed = await b.claim("s1", "");
  expect(decodeSnapshot(claimed!).state.clicks).toBe(1);
  await expect.poll(() => lost).toEqual(["s1"]);
  expect(a.get("s1")).toBeUndefined();
  expect(await a.owns("s1")).toBe(false);
  expect(await b.owns("s1")).toBe(true);

  // A write from the old owner (it had not heard yet) does not overwrite the new owner's.
  b.save("s1", bytes(5), "");
  await b.flush();
  a.save("s1", bytes(2), "");
  await a.flush();
  const c = await store();
  expect(decodeSnapshot((await c.claim("s1", ""))!).state.clicks).toBe(5);
  for (const s of [a, b, c]) s.close();
});

test("a snapshot is bound to its user: another user's claim gets nothing and takes nothing", async () => {
  const [a, b] = await Promise.all([store(), store()]);
  a.save("s2", bytes(1), "ada@example.com");
  await a.flush();
  expect(await b.claim("s2", "eve@example.com")).toBeNull();
  expect(await b.claim("s2", "")).toBeNull();
  expect(await a.owns("s2")).toBe(true);
  expect(decodeSnapshot((await b.claim("s2", "ada@example.com"))!).state.clicks).toBe(1);
  for (const s of [a, b]) s.close();
});

test("the key expires ttl after its last viewer left", async () => {
  const link = await connectRedis({ url: redis.url, app: "store-test", log: () => {} });
  links.push(link);
  const a = new RedisSnapshots(link, { ttl: 300 });
  a.viewer("s3", true);
  a.save("s3", bytes(1), "");
  await a.flush();
  a.viewer("s3", false);
  expect(await link.client.exists("dash:store-test:session:s3")).toBe(1);
  await expect.poll(() => link.client.exists("dash:store-test:session:s3"), { timeout: 3000 }).toBe(0);
  a.close();
});

test("the codec keeps Dates, Maps and typed arrays, and names state it cannot clone", () => {
  const when = new Date(0);
  const encoded = encodeSnapshot({
    widgets: [["dateInput:Day", when]],
    state: { seen: new Map([["a", 1]]), raw: new Uint8Array([1, 2]), fn: () => 1, ok: 3 },
    query: { q: "1" },
    page: "app",
  })!;
  expect(encoded.uncloneable).toEqual(["fn"]);
  expect(snapshotWarning(encoded)).toContain('dash.state "fn" cannot be kept');
  const back = decodeSnapshot(encoded.bytes);
  expect(back.widgets[0]![1]).toEqual(when);
  expect(back.state.seen).toEqual(new Map([["a", 1]]));
  expect(back.state.raw).toEqual(new Uint8Array([1, 2]));
  expect(back.state.ok).toBe(3);
  expect("fn" in back.state).toBe(false);

  const big = encodeSnapshot({ widgets: [["slider:Level", 3]], state: { blob: "x".repeat(2000) }, query: {}, page: "app" }, 1000)!;
  expect(big.oversize).toBeGreaterThan(1000);
  expect(decodeSnapshot(big.bytes).state).toEqual({});
  expect(snapshotWarning(big)).toContain("it is not kept across reconnects");
});
