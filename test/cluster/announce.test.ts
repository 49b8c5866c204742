/**
 * A new version of a shared source (packages/runtime/src/cluster/sources.ts), against Debian's
 * redis-server: the lease holder's own sessions get it without waiting for Redis (it is stored
 * and announced meanwhile), and another replica, told by the announcement, downloads it with one
 * command (the announcement carries `cur`: no read of it first).
 */
import { createClient } from "redis";
import { expect, test } from "vitest";
import type { Source } from "../../packages/runtime/src/sources/source.ts";
import { sharedSourceReplicas } from "../support/shared-source.ts";

const cluster = sharedSourceReplicas("announce-test");
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One replica's view of the source (polled every minute: only the test's calls poll), and the announcements it got. */
async function replica() {
  let polls = 0;
  const inner: Source<string> = { label: "numbers", every: 60_000, fetch: () => Promise.resolve({ value: `poll ${++polls}`, version: `v${polls}` }) };
  const told = { count: 0 };
  const { link, source } = await cluster.replica(inner, 60_000, () => told.count++);
  return { link, source, told };
}

/** Keeps Redis busy (a Lua loop) for `ms`: every other command waits. */
async function blockRedis(ms: number): Promise<() => Promise<unknown>> {
  const blocker = createClient({ url: cluster.redis.url });
  await blocker.connect();
  const busy = blocker.eval(
    `local t = redis.call('TIME') local start = t[1] * 1000 + t[2] / 1000
     repeat t = redis.call('TIME') until t[1] * 1000 + t[2] / 1000 - start >= tonumber(ARGV[1])
     return 1`,
    { arguments: [String(ms)] },
  );
  await sleep(50); // the loop has started
  return async () => {
    await busy;
    await blocker.close();
  };
}

test("the holder's own sessions get a new version while Redis is busy; the others are told and read it with one command", async () => {
  const holder = await replica();
  await sleep(200);
  const other = await replica();
  await sleep(300); // (its subscription is in place)
  expect((await holder.source.fetch()).value).toBe("poll 1"); // (the holder's: it polled)
  await expect.poll(() => other.told.count, { timeout: 5000 }).toBe(1);
  expect(await other.source.check!()).toBe("shared:v1");
  expect((await other.source.fetch()).value).toBe("poll 1");

  // Redis busy for 1.5 s: the holder's poll does not wait for it.
  const done = await blockRedis(1500);
  const started = Date.now();
  const polled = await holder.source.fetch();
  expect(Date.now() - started).toBeLessThan(700);
  expect(polled).toMatchObject({ value: "poll 2", version: "v2" });
  await done();

  // Once announced, another replica checks and downloads it as its poller does: one GET, of the bytes.
  const monitor = createClient({ url: cluster.redis.url });
  await monitor.connect();
  const seen: string[] = [];
  await monitor.monitor((line: string) => {
    if (!line.includes("[0 lua]")) seen.push(line);
  });
  await expect.poll(() => other.told.count, { timeout: 5000 }).toBe(2);
  expect(await other.source.check!()).toBe("shared:v2");
  expect((await other.source.fetch()).value).toBe("poll 2");
  await sleep(100);
  await monitor.close();
  const reads = seen.filter((line) => !/"(EVAL|evalsha|PEXPIRE|INCR)"/i.test(line));
  expect(reads).toHaveLength(1);
  expect(reads[0]).toMatch(/"GET" "[^"]*:data:v2"/);

  // A later check from the replica's own tick (no announcement since) reads `cur` from Redis.
  expect(await other.source.check!()).toBe("shared:v2");
}, 30_000);
