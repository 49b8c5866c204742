/**
 * `cache()` shared by every replica through Redis (`DASH_REDIS_URL`): one call per key for the
 * whole cluster.
 *
 * The process's own `CacheCoordinator` still answers first (a value held here costs no round
 * trip, and the workers keep their own copies, so a rerun that hits the cache never reaches this
 * file). When it grants a computation, this asks the cluster: a value in Redis is taken as it is
 * (with its remaining TTL); otherwise `SET lock NX PX` decides which replica computes. The others
 * poll for the value with backoff and take over the lock if it expires (its holder died). The
 * holder renews the lock while it computes, stores the value with its TTL, and releases the lock
 * only if it is still its own (a Lua check-and-delete). With Redis down, the process computes for
 * itself, as without Redis.
 */
import { randomBytes } from "node:crypto";
import { deserialize, serialize } from "node:v8";
import { RESP_TYPES } from "redis";
import type { CacheCoordinator } from "../cache.ts";
import type { RedisLink } from "./redis.ts";

type Claim = { hit: true; value: unknown } | { hit: false };
type Result = { value: unknown; expires: number } | { failed: true };

/** How long a computation may hold the lock without renewing it (it renews every third of this). */
const lockTtl = 30_000;
/** The longest a replica waits for another's computation before computing itself. */
const waitLimit = 10 * 60_000;

const releaseScript = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const renewScript = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

export class ClusterCache {
  readonly #link: RedisLink;
  readonly #local: CacheCoordinator;
  readonly #held = new Map<string, { token: string; renew: ReturnType<typeof setInterval> }>();
  readonly #log: (line: string) => void;
  /** Values answered from Redis and computations granted to this replica (tests, benchmarks). */
  readonly counts = { fromCluster: 0, computed: 0 };

  constructor(link: RedisLink, local: CacheCoordinator, log: (line: string) => void = () => {}) {
    this.#link = link;
    this.#local = local;
    this.#log = log;
  }

  /** A value for `key`, or permission to compute it (then `settle` must follow). */
  async claim(key: string): Promise<Claim> {
    const local = await this.#local.claim(key);
    if (local.hit || !this.#link.up) return local;
    try {
      const found = await this.#fromCluster(key);
      if (found) {
        this.counts.fromCluster++;
        this.#local.settle(key, found);
        return { hit: true, value: found.value };
      }
    } catch (error) {
      this.#log(`dash: cache() is computing ${key.slice(0, 12)}… on this replica: Redis failed (${error instanceof Error ? error.message : String(error)})`);
    }
    this.counts.computed++;
    return { hit: false };
  }

  /** The computed value (stored in Redis with its TTL) or a failure; releases the cluster lock. */
  settle(key: string, result: Result): void {
    this.#local.settle(key, result);
    const held = this.#held.get(key);
    if (!held) return;
    this.#held.delete(key);
    clearInterval(held.renew);
    void this.#store(key, held.token, result).catch((error: unknown) => {
      this.#log(`dash: could not store a cache() value in Redis: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  /** Stops renewing locks (the server is closing; the locks expire by themselves). */
  close(): void {
    for (const held of this.#held.values()) clearInterval(held.renew);
    this.#held.clear();
  }

  #keys(key: string): { value: string; lock: string } {
    const value = `${this.#link.prefix}cache:${key}`;
    return { value, lock: `${value}:lock` };
  }

  /** The value in Redis, waiting while another replica computes it; null once this one holds the lock. */
  async #fromCluster(key: string): Promise<{ value: unknown; expires: number } | null> {
    const keys = this.#keys(key);
    const client = this.#link.client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
    const token = randomBytes(9).toString("base64url");
    const deadline = Date.now() + waitLimit;
    for (let wait = 25; ; wait = Math.min(wait * 2, 500)) {
      const raw = await client.get(keys.value);
      if (raw) {
        const entry = deserialize(raw) as { value: unknown; expires: number };
        if (entry.expires > Date.now()) return entry;
      }
      if ((await this.#link.client.set(keys.lock, token, { condition: "NX", expiration: { type: "PX", value: lockTtl } })) === "OK") {
        const renew = setInterval(() => {
          void this.#link.client.eval(renewScript, { keys: [keys.lock], arguments: [token, String(lockTtl)] }).catch(() => {});
        }, lockTtl / 3);
        renew.unref();
        this.#held.set(key, { token, renew });
        return null;
      }
      if (Date.now() > deadline) throw new Error("waited too long for another replica's value");
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  async #store(key: string, token: string, result: Result): Promise<void> {
    const keys = this.#keys(key);
    if ("value" in result) {
      let bytes: Buffer | null = null;
      try {
        bytes = serialize(result);
      } catch {
        // not serializable: the other replicas compute their own
      }
      const ttl = result.expires - Date.now();
      if (bytes && ttl > 0) {
        await this.#link.client.set(keys.value, bytes, Number.isFinite(ttl) ? { expiration: { type: "PX", value: Math.ceil(ttl) } } : {});
      }
    }
    await this.#link.client.eval(releaseScript, { keys: [keys.lock], arguments: [token] });
  }
}
