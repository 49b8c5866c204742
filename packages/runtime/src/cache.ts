/**
 * `cache(fn)`: memoize an expensive function across reruns and sessions.
 *
 * Results are keyed by the arguments' content (not their identity), so
 * `cached({ state: "CA" })` in one session reuses the result of the same call in another.
 * Concurrent calls with the same arguments share one underlying call; a call that throws is
 * not remembered (the next call tries again); `ttl` expires entries and `maxEntries` keeps only
 * the most recently used ones.
 *
 * Results live in a `CacheStore`. The default keeps them in this process's memory. A store shared
 * by several server replicas (Redis, memcached, selected with `DASH_CACHE_URL`) plugs in through
 * the same interface; it is not built yet.
 *
 * @example
 * const loadCounty = dash.cache(async (state: string) => fetchCensus(state), { ttl: "1h" });
 * const rows = await loadCounty("CA");
 */
import { createHash } from "node:crypto";
import { parseDuration, type Duration } from "./sources/duration.ts";
import { current } from "./scope.ts";

/** One remembered result. `expires` is epoch milliseconds (`Infinity`: never). */
export interface CacheEntry<V = unknown> {
  value: V;
  expires: number;
}

/** Where results are kept. Methods may be synchronous or return promises. */
export interface CacheStore {
  get(key: string): CacheEntry | undefined | Promise<CacheEntry | undefined>;
  set(key: string, entry: CacheEntry): void | Promise<void>;
  delete(key: string): void | Promise<void>;
  /** Forgets every key that starts with `prefix` (one cached function's entries). */
  clear?(prefix: string): void | Promise<void>;
}

/** The default store: a Map in this process, least recently used entries evicted past `maxEntries`. */
export class MemoryStore implements CacheStore {
  readonly #entries = new Map<string, CacheEntry>();
  constructor(readonly maxEntries = Infinity) {}

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): CacheEntry | undefined {
    const entry = this.#entries.get(key);
    if (entry !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: CacheEntry): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  clear(prefix: string): void {
    for (const key of [...this.#entries.keys()]) if (key.startsWith(prefix)) this.#entries.delete(key);
  }
}

export interface CacheOptions {
  /** How long a result stays valid: milliseconds or `"10m"`. Default: until evicted. */
  ttl?: Duration;
  /** Keep at most this many results (least recently used go first). Applies to the default store. */
  maxEntries?: number;
  /** Where results live. Default: a `MemoryStore` in this process. */
  store?: CacheStore;
  /** Separates this function's entries from others' in a shared store. Default: a hash of the function's source. */
  name?: string;
  /** Time source (tests). */
  clock?: { now(): number };
}

/** A memoized function: always returns a promise. `clear()` forgets its results. */
export type Cached<A extends unknown[], R> = ((...args: A) => Promise<Awaited<R>>) & { clear(): Promise<void> };

/**
 * Default stores and calls in flight, by function (its `name`, else a hash of its source). An
 * entry script calls `dash.cache(fn)` again on every run of every session; these let each new
 * memoized function find what the earlier ones remembered and are computing.
 */
const sharedStores = new Map<string, MemoryStore>();
const sharedInflight = new Map<string, Promise<unknown>>();

function sharedStore(prefix: string, maxEntries = Infinity): MemoryStore {
  let store = sharedStores.get(prefix);
  if (store === undefined || store.maxEntries !== maxEntries) sharedStores.set(prefix, (store = new MemoryStore(maxEntries)));
  return store;
}

/**
 * A cache shared by the threads of one process: a script worker asks the main thread before it
 * computes, so that one call serves the sessions of every worker. It reaches `cache()` through the
 * services of the session whose run calls it (`Services.cache`, given by the worker); without it
 * (tests, one thread, a call outside any run) the cache is this thread's.
 */
export interface SharedCache {
  /** A fresh value held for `key`, or permission to compute it (`hit: false`). Waits while another thread computes it. */
  claim(key: string): Promise<{ hit: true; value: unknown } | { hit: false }>;
  /** The value computed for a claimed key (or `failed`: others compute it themselves). */
  settle(key: string, result: { value: unknown; expires: number } | { failed: true }): void;
}

/** `cache()` calls in this thread: answered without running the function, or not (read by /metrics). */
export const cacheCounts = { hits: 0, misses: 0 };

/**
 * Memoizes `fn` by the content of its arguments. The cached value is shared by every caller, so
 * treat it as read-only. Functions with the same source share results (as when a script creates
 * its cached function on each run); give `name` to tell apart functions whose source is the same.
 */
export function cache<A extends unknown[], R>(fn: (...args: A) => R, options: CacheOptions = {}): Cached<A, R> {
  const ttl = options.ttl === undefined ? Infinity : parseDuration(options.ttl);
  const clock = options.clock ?? Date;
  const prefix = `${options.name ?? sha1(fn.toString())}:`;
  const store = options.store ?? sharedStore(prefix, options.maxEntries);
  const inflight = sharedInflight as Map<string, Promise<Awaited<R>>>;

  const cached = async (...args: A): Promise<Awaited<R>> => {
    const shared = current.getStore()?.run.session.services.cache;
    const key = prefix + contentHash(args);
    const running = inflight.get(key);
    if (running !== undefined) return (cacheCounts.hits++, running);
    const hit = await store.get(key);
    if (hit !== undefined) {
      if (hit.expires > clock.now()) return (cacheCounts.hits++, hit.value as Awaited<R>);
      await store.delete(key);
    }
    const again = inflight.get(key);
    if (again !== undefined) return (cacheCounts.hits++, again);
    const call = (async (): Promise<Awaited<R>> => {
      try {
        if (shared) {
          const held = await shared.claim(key);
          if (held.hit) {
            cacheCounts.hits++;
            await store.set(key, { value: held.value, expires: clock.now() + ttl });
            return held.value as Awaited<R>;
          }
        }
        cacheCounts.misses++;
        let value: Awaited<R>;
        try {
          value = await fn(...args);
        } catch (error) {
          shared?.settle(key, { failed: true });
          throw error;
        }
        const expires = clock.now() + ttl;
        await store.set(key, { value, expires });
        shared?.settle(key, { value, expires });
        return value;
      } finally {
        inflight.delete(key);
      }
    })();
    inflight.set(key, call);
    return call;
  };
  return Object.assign(cached, {
    async clear() {
      await store.clear?.(prefix);
    },
  });
}

function sha1(text: string | Uint8Array): string {
  return createHash("sha1").update(text).digest("hex");
}

/**
 * A stable digest of a value's content: equal for equal content, whatever the key order of
 * objects or the identity of the values. Understands plain objects, arrays, Date, bigint,
 * Map, Set, typed arrays and ArrayBuffers, and Apache Arrow tables (hashed by their schema and
 * buffers, computed once per table object).
 */
export function contentHash(value: unknown): string {
  return sha1(stableStringify(value));
}

const tableDigests = new WeakMap<object, string>();

/**
 * The main thread's side of `SharedCache`: values by key, and the threads waiting for a key that
 * one of them is computing. A claim left unsettled (its worker was stopped) expires after a minute.
 */
export class CacheCoordinator {
  readonly #values = new Map<string, { value: unknown; expires: number }>();
  readonly #computing = new Map<
    string,
    { waiters: ((value: { hit: true; value: unknown } | { hit: false }) => void)[]; timer: ReturnType<typeof setTimeout> }
  >();
  /** Underlying calls granted (for /metrics and benchmarks). */
  granted = 0;

  constructor(
    readonly maxEntries = 1000,
    private readonly clock: { now(): number } = Date,
  ) {}

  claim(key: string): Promise<{ hit: true; value: unknown } | { hit: false }> {
    const held = this.#values.get(key);
    if (held && held.expires > this.clock.now()) return Promise.resolve({ hit: true, value: held.value });
    this.#values.delete(key);
    const computing = this.#computing.get(key);
    if (computing) return new Promise((resolve) => computing.waiters.push(resolve));
    const timer = setTimeout(() => this.settle(key, { failed: true }), 60_000);
    timer.unref?.();
    this.#computing.set(key, { waiters: [], timer });
    this.granted++;
    return Promise.resolve({ hit: false });
  }

  settle(key: string, result: { value: unknown; expires: number } | { failed: true }): void {
    const computing = this.#computing.get(key);
    this.#computing.delete(key);
    if (computing) clearTimeout(computing.timer);
    if ("value" in result) {
      this.#values.set(key, result);
      while (this.#values.size > this.maxEntries) this.#values.delete(this.#values.keys().next().value as string);
    }
    for (const waiter of computing?.waiters ?? []) waiter("value" in result ? { hit: true, value: result.value } : { hit: false });
  }
}

/** The shape of an Apache Arrow table, recognized without loading Arrow (startup stays fast). */
interface ArrowLike {
  schema: { fields: { name: string; type: unknown }[] };
  batches: { data: ArrowData }[];
}
interface ArrowData {
  length: number;
  nullCount: number;
  values?: ArrayBufferView;
  valueOffsets?: ArrayBufferView;
  nullBitmap?: ArrayBufferView;
  typeIds?: ArrayBufferView;
  children: ArrowData[];
  dictionary?: { data: ArrowData[] };
}

function isArrowTable(value: object): value is ArrowLike {
  return "schema" in value && "batches" in value && typeof (value as { getChild?: unknown }).getChild === "function";
}

/** A digest of an Arrow table's schema and every buffer of every batch. */
function tableDigest(table: ArrowLike): string {
  const hash = createHash("sha1");
  hash.update(JSON.stringify(table.schema.fields.map((field) => [field.name, String(field.type)])));
  const visit = (data: ArrowData): void => {
    hash.update(`|${data.length}:${data.nullCount}`);
    for (const buffer of [data.values, data.valueOffsets, data.nullBitmap, data.typeIds]) {
      hash.update(buffer ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) : new Uint8Array(0));
      hash.update("/");
    }
    data.children.forEach(visit);
    data.dictionary?.data.forEach(visit);
  };
  for (const batch of table.batches) visit(batch.data);
  return hash.digest("hex");
}

/** A canonical string for `value` (used by `contentHash` and for source keys). */
export function stableStringify(value: unknown, seen: Set<object> = new Set()): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "bigint":
      return `${value}n`;
    case "boolean":
      return String(value);
    case "undefined":
      return "undefined";
    case "symbol":
      return `symbol(${value.description ?? ""})`;
    case "function":
      return `fn:${sha1(value.toString())}`;
  }
  if (value === null) return "null";
  const object = value as object;
  if (object instanceof Date) return `Date(${object.getTime()})`;
  if (object instanceof ArrayBuffer) return `ArrayBuffer(${sha1(new Uint8Array(object))})`;
  if (ArrayBuffer.isView(object)) return `${object.constructor.name}(${sha1(new Uint8Array(object.buffer, object.byteOffset, object.byteLength))})`;
  if (object instanceof RegExp) return `RegExp(${String(object)})`;
  if (isArrowTable(object)) {
    let digest = tableDigests.get(object);
    if (digest === undefined) tableDigests.set(object, (digest = tableDigest(object)));
    return `Table(${digest})`;
  }
  if (seen.has(object)) throw new Error("cache(): an argument contains a cycle, so it cannot be used as a cache key");
  seen.add(object);
  try {
    if (Array.isArray(object)) return `[${object.map((v) => stableStringify(v, seen)).join(",")}]`;
    if (object instanceof Map) {
      const entries = [...object].map(([k, v]) => `${stableStringify(k, seen)}=>${stableStringify(v, seen)}`).sort();
      return `Map{${entries.join(",")}}`;
    }
    if (object instanceof Set)
      return `Set{${[...object]
        .map((v) => stableStringify(v, seen))
        .sort()
        .join(",")}}`;
    const proto = Object.getPrototypeOf(object) as object | null;
    const tag = proto === Object.prototype || proto === null ? "" : (proto.constructor?.name ?? "");
    const keys = Object.keys(object).sort();
    return `${tag}{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify((object as Record<string, unknown>)[k], seen)}`).join(",")}}`;
  } finally {
    seen.delete(object);
  }
}
