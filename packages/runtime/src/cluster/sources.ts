/**
 * Live sources shared by every replica through Redis (`DASH_REDIS_URL`): each source is polled by
 * one replica at a time, and the others read what it found.
 *
 * `sharedSource(link, key, source)` wraps a hub source. The replica holding the source's lease
 * (`SET` by a Lua script with a fencing number from `INCR`, expiring after `ttl`, renewed every
 * `ttl / 3`) polls it for real; each new version's bytes are stored once in Redis under the
 * version, and `cur` (version, staleness) is replaced and announced on the source's channel by a
 * script that first checks the lease is still the writer's own (so a holder that lost its lease
 * while paused cannot overwrite a newer holder's data). The holder's own sessions rerun on a new
 * version at once; it is stored and announced meanwhile, versions in the order they were polled.
 * The other replicas never poll: the announcement carries `cur`, so they download the new
 * version's bytes at once (one round trip); their own tick, a safety net, reads `cur` first, and
 * downloads only when the version moved. When the holder dies, its lease expires within `ttl` (at
 * most one interval, and at most 15 s) and the replica trying at that moment takes it, and polls
 * when the cluster's next poll is due (one interval after the last, or at once if that has
 * passed): polls stay an interval apart across a take-over unless the lease outlived the due
 * time, and then the gap is the lease's expiry, never more; a holder whose own readers
 * all stopped looking (its poller paused) gives the lease up so another replica polls.
 *
 * With Redis down every replica polls for itself (the inner source as it is), and rejoins when
 * it is back. Reruns never touch Redis: sessions read the hub's state in memory.
 */
import { createHash, randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { deserialize, serialize } from "node:v8";
import { RESP_TYPES } from "redis";
import type { Fetched, Source } from "../sources/source.ts";
import type { RedisLink } from "./redis.ts";

/** This process, in lease tokens (`replica:fence`) and channel messages. */
export const replicaId = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;

/** What `cur` holds: the source's current version, and why it is stale if polls fail. */
interface Current {
  version: string;
  /** When the holder last polled (epoch ms). */
  at: number;
  stale?: string;
}

/** Bytes of a version are kept this long after they were written (renewed while current). */
const dataTtl = 24 * 60 * 60_000;

const leaseScript = `
local held = redis.call('GET', KEYS[1])
if held and held == ARGV[3] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, held, tonumber(ARGV[2])}
end
if not held then
  local token = ARGV[1] .. ':' .. redis.call('INCR', KEYS[2])
  redis.call('SET', KEYS[1], token, 'PX', ARGV[2])
  return {1, token, tonumber(ARGV[2])}
end
return {0, held, redis.call('PTTL', KEYS[1])}`;

const publishScript = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
if ARGV[4] ~= '' then redis.call('PEXPIRE', ARGV[4], ARGV[5]) end
redis.call('PUBLISH', KEYS[3], ARGV[3])
return 1`;

const releaseScript = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface SharedSourceOptions {
  /** The interval the hub polls this source at (ms). */
  every: number;
  log?: (line: string) => void;
}

let nextSource = 1;

/** `cur` from an announcement (`replica/source {cur}`); null for one in another form (a replica of an older dash). */
function announcement(message: string): Current | null {
  try {
    const current = JSON.parse(message.slice(message.indexOf(" ") + 1)) as Current | null;
    return current && typeof current === "object" && typeof current.version === "string" ? current : null;
  } catch {
    return null;
  }
}

/** Wraps a source so that the replicas of the cluster poll it once between them. */
export function sharedSource<T>(link: RedisLink, key: string, source: Source<T>, options: SharedSourceOptions): Source<T> {
  return new SharedSource(link, key, source, options).source;
}

class SharedSource<T> {
  readonly source: Source<T>;
  readonly #link: RedisLink;
  readonly #inner: Source<T>;
  readonly #every: number;
  readonly #ttl: number;
  readonly #keys: { lease: string; fence: string; cur: string; data: string; channel: string };
  #token: string | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** After a take-over: the poll due on the cluster's schedule. */
  #due: ReturnType<typeof setTimeout> | null = null;
  #first: Promise<void> | null = null;
  #lastTick = Date.now();
  #published: Current | null = null;
  #stopped = false;
  #leased = false;
  #poke: (() => void) | null = null;
  /** Who announces (this source in this process): its own announcements are not news to it. */
  readonly #self = `${replicaId}/${nextSource++}`;
  /** The holder's versions being stored and announced, one after the other. */
  #sharing: Promise<void> = Promise.resolve();
  /** `cur` as the last announcement carried it: the next check takes it instead of reading Redis. */
  #announced: Current | null = null;
  /** `cur` as the last check read it: the fetch that follows it reads the same (not Redis again). */
  #checked: Current | null = null;
  readonly #log: (line: string) => void;

  constructor(link: RedisLink, key: string, inner: Source<T>, options: SharedSourceOptions) {
    this.#link = link;
    this.#inner = inner;
    this.#every = options.every;
    this.#ttl = Math.min(Math.max(options.every, 1000), 15_000);
    this.#log = options.log ?? (() => {});
    const base = `${link.prefix}src:${createHash("sha1").update(key).digest("hex")}`;
    this.#keys = { lease: `${base}:lease`, fence: `${base}:fence`, cur: `${base}:cur`, data: `${base}:data:`, channel: base };
    this.source = {
      label: inner.label,
      every: options.every,
      check: () => this.#check(),
      fetch: () => this.#fetch(),
      watch: (onChange) => this.#watch(onChange),
    };
  }

  get #leader(): boolean {
    return this.#token !== null && this.#link.up;
  }

  #watch(onChange: () => void): () => void {
    this.#poke = onChange;
    const listener = (message: string): void => {
      if (message.startsWith(`${this.#self} `)) return;
      this.#announced = announcement(message);
      onChange();
    };
    void this.#link.subscriber.subscribe(this.#keys.channel, listener).catch(() => {});
    const unwatch = this.#inner.watch?.(onChange);
    this.#first = this.#lease();
    return () => {
      this.#stopped = true;
      if (this.#timer) clearTimeout(this.#timer);
      if (this.#due) clearTimeout(this.#due);
      unwatch?.();
      void this.#link.subscriber.unsubscribe(this.#keys.channel, listener).catch(() => {});
      const token = this.#token;
      this.#token = null;
      if (token && this.#link.up) void this.#link.client.eval(releaseScript, { keys: [this.#keys.lease], arguments: [token] }).catch(() => {});
    };
  }

  /** Takes or renews the lease, and plans the next try: renew at ttl/3, or try when it expires. */
  async #lease(): Promise<void> {
    if (this.#stopped) return;
    let next = this.#ttl;
    const wasLeader = this.#token !== null;
    // A holder whose poller stopped ticking (every reader here hidden) lets another replica poll.
    const idle = Date.now() - this.#lastTick > 2 * this.#every + 1000;
    try {
      if (!this.#link.up) throw new Error("Redis is down");
      if (idle && this.#token) {
        await this.#link.client.eval(releaseScript, { keys: [this.#keys.lease], arguments: [this.#token] });
        this.#token = null;
      } else if (!idle || this.#token === null) {
        const answer = (await this.#link.client.eval(leaseScript, {
          keys: [this.#keys.lease, this.#keys.fence],
          arguments: [replicaId, String(this.#ttl), this.#token ?? ""],
        })) as [number, string, number];
        this.#token = answer[0] === 1 ? answer[1] : null;
        next = this.#token ? this.#ttl / 3 : Math.max(answer[2], 0) + 5 + Math.random() * 20;
      }
    } catch {
      this.#token = null;
    }
    if (this.#token && !wasLeader && this.#leased) {
      // Taken over: poll when the cluster's next poll is due (now, if its last is an interval
      // old), not at this replica's own tick, which can be up to an interval later still.
      const current = await this.#current().catch(() => null);
      const due = current ? current.at + this.#every - Date.now() : 0;
      if (this.#due) clearTimeout(this.#due);
      this.#due = setTimeout(
        () => {
          this.#due = null;
          if (this.#leader && !this.#stopped) this.#poke?.();
        },
        Math.max(0, due),
      );
      this.#due.unref();
    }
    this.#leased = true;
    if (!this.#stopped) {
      this.#timer = setTimeout(() => void this.#lease(), next);
      this.#timer.unref();
    }
  }

  async #current(): Promise<Current | null> {
    const raw = await this.#link.client.get(this.#keys.cur);
    return raw ? (JSON.parse(raw) as Current) : null;
  }

  async #check(): Promise<string | undefined> {
    this.#lastTick = Date.now();
    await this.#first;
    if (!this.#link.up) return this.#inner.check?.();
    if (this.#leader) {
      this.#announced = this.#checked = null;
      try {
        const checked = await this.#inner.check?.();
        if (this.#published?.stale) await this.#inOrder(() => this.#publish({ ...this.#published!, stale: undefined }));
        return checked === undefined ? undefined : `own:${checked}`;
      } catch (error) {
        const stale = error instanceof Error ? error.message : String(error);
        if (this.#published) await this.#inOrder(() => this.#publish({ ...this.#published!, stale })).catch(() => {});
        throw error;
      }
    }
    const current = this.#announced ?? (await this.#current());
    this.#announced = null;
    this.#checked = current;
    if (current?.stale) throw new Error(current.stale);
    return current ? `shared:${current.version}` : undefined;
  }

  async #fetch(): Promise<Fetched<T>> {
    await this.#first;
    if (!this.#link.up) return this.#inner.fetch();
    if (!this.#leader) {
      const shared = await this.#read();
      if (shared) return shared;
      // Nothing in Redis yet (a new source) and another replica holds the lease: wait for its
      // first version a little, then fetch for ourselves rather than keep viewers waiting.
      const deadline = Date.now() + this.#ttl * 2;
      while (Date.now() < deadline && !this.#leader) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const later = await this.#read();
        if (later) return later;
      }
    }
    const fetched = await this.#inner.fetch();
    if (this.#leader) {
      // Stored and announced for the other replicas in the background, one version after the
      // other: this replica's own sessions do not wait two Redis round trips for it.
      const at = Date.now();
      this.#inOrder(() => this.#share(fetched, at)).catch((error: unknown) => this.#log(`could not share a new version: ${String(error)}`));
    }
    return { ...fetched, check: fetched.check === undefined ? undefined : `own:${fetched.check}` };
  }

  /** Runs `task` after the writes to Redis before it (versions are announced in the order they were polled). */
  #inOrder(task: () => Promise<void>): Promise<void> {
    const done = this.#sharing.then(task);
    this.#sharing = done.catch(() => {});
    return done;
  }

  /** Stores a version's bytes and announces it: both commands sent at once (Redis runs them in order). */
  async #share(fetched: Fetched<T>, at: number): Promise<void> {
    if (!this.#leader) return;
    const stored =
      this.#published?.version === fetched.version
        ? null
        : this.#link.client.set(`${this.#keys.data}${fetched.version}`, serialize(fetched.value), { expiration: { type: "PX", value: dataTtl } });
    await Promise.all([stored, this.#publish({ version: fetched.version, at })]);
  }

  /** The current version from Redis (as the check that came just before read it), its bytes downloaded. */
  async #read(): Promise<Fetched<T> | null> {
    const current = this.#checked ?? (await this.#current());
    this.#checked = null;
    if (!current) return null;
    if (current.stale) throw new Error(current.stale);
    const raw = await this.#link.client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }).get(`${this.#keys.data}${current.version}`);
    if (!raw) return null;
    return { value: deserialize(raw) as T, version: current.version, check: `shared:${current.version}` };
  }

  /** Replaces `cur` and announces it, if the lease is still ours (the fencing check). */
  async #publish(current: Current): Promise<void> {
    const token = this.#token;
    if (!token) return;
    const done = await this.#link.client.eval(publishScript, {
      keys: [this.#keys.lease, this.#keys.cur, this.#keys.channel],
      arguments: [token, JSON.stringify(current), `${this.#self} ${JSON.stringify(current)}`, `${this.#keys.data}${current.version}`, String(dataTtl)],
    });
    if (done === 1) this.#published = current;
    else this.#token = null; // lost the lease meanwhile: the newer holder's data stands
  }
}
