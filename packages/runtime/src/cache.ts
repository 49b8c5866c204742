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
    const key = prefix + contentHash(args);
    const running = inflight.get(key);
    if (running !== undefined) return running;
    const hit = await store.get(key);
    if (hit !== undefined) {
      if (hit.expires > clock.now()) return hit.value as Awaited<R>;
      await store.delete(key);
    }
    const again = inflight.get(key);
    if (again !== undefined) return again;
    const call = (async (): Promise<Awaited<R>> => {
      try {
        const value: Awaited<R> = await fn(...args);
        await store.set(key, { value, expires: clock.now() + ttl });
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
