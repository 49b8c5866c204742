/**
 * A source's lease taken over (packages/runtime/src/cluster/sources.ts), against Debian's
 * redis-server: when the holder dies between its renewals, the replica that takes the lease over
 * polls when the cluster's next poll is due (one interval after the holder's last), not whenever
 * its own poller happens to tick next (up to another interval later).
 */
import { expect, test } from "vitest";
import type { Source } from "../../packages/runtime/src/sources/source.ts";
import { sharedSourceReplicas } from "../support/shared-source.ts";

const cluster = sharedSourceReplicas("lease-test");
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One replica's view of the source: the shared wrapper, its pokes (polls it asks its poller for). */
async function replica(every: number) {
  let polls = 0;
  const inner: Source<number> = { label: "numbers", every, fetch: () => Promise.resolve({ value: ++polls, version: `v${Date.now()}` }) };
  const pokes: number[] = [];
  const { link, source } = await cluster.replica(inner, every, () => pokes.push(Date.now()));
  return { link, source, pokes };
}

test("the replica taking a dead holder's lease over polls one interval after the holder's last poll", async () => {
  const every = 3000; // lease ttl 3 s, renewed every second
  const holder = await replica(every);
  await sleep(300);
  const other = await replica(every);
  await sleep(2000); // the holder has renewed its lease (at about 1 s and 2 s)
  const polled = await holder.source.fetch(); // the holder polls: the cluster's last poll is now
  expect(polled.value).toBe(1);
  const lastPoll = Date.now();
  // The holder dies before its next renewal: it never talks to Redis again (no release).
  await holder.link.close();
  // (Its announcement of that poll pokes the other replica once, to read it: not a poll of its own.)
  await expect.poll(() => other.pokes.length, { timeout: 2000 }).toBe(1);
  expect(other.pokes[0]! - lastPoll).toBeLessThan(1000);
  other.pokes.length = 0;
  // Its lease expires about 3 s after its last renewal, ~2.5 s from now: before the next poll is due.
  await sleep(every + 2500);
  expect(other.pokes.length).toBeGreaterThanOrEqual(1);
  const first = other.pokes[0]! - lastPoll;
  expect(first).toBeGreaterThanOrEqual(every - 150);
  expect(first).toBeLessThanOrEqual(every + 1000);
}, 20_000);
