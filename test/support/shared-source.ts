/**
 * Replicas of one shared source (packages/runtime/src/cluster/sources.ts) in one test file, against
 * Debian's redis-server: started before the file's tests, and every link and watch stopped after.
 */
import { afterAll, beforeAll } from "vitest";
import { connectRedis, type RedisLink } from "../../packages/runtime/src/cluster/redis.ts";
import { sharedSource } from "../../packages/runtime/src/cluster/sources.ts";
import type { Source } from "../../packages/runtime/src/sources/source.ts";
import { startRedis, type TestRedis } from "./redis.ts";

export function sharedSourceReplicas(app: string) {
  let redis: TestRedis | undefined;
  const links: RedisLink[] = [];
  const stops: (() => void)[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const stop of stops) stop();
    await Promise.all(links.map((link) => link.close()));
    await redis?.stop();
  });
  return {
    get redis(): TestRedis {
      if (!redis) throw new Error("redis-server is not started yet (use it inside a test)");
      return redis;
    },
    /** One replica's view of the source "numbers" polled by `inner` every `every` ms; `onChange` is its poller being poked. */
    async replica<T>(inner: Source<T>, every: number, onChange: () => void): Promise<{ link: RedisLink; source: Source<T> }> {
      const link = await connectRedis({ url: this.redis.url, app, log: () => {} });
      links.push(link);
      const source = sharedSource(link, "numbers", inner, { every });
      stops.push(source.watch!(onChange));
      return { link, source };
    },
  };
}
