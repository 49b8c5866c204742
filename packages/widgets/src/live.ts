/**
 * Live data: `gcs`, `bigquery`, `file`, `poll` and `cache`.
 *
 * Every source is polled by the server's main thread, once per process however many viewers (in
 * however many script workers) read it; a script asks for the current value and gets an Arrow
 * table (or text, bytes, or a `poll` fetcher's value). `poll`'s fetcher is the author's closure,
 * so it exists only in the script workers: the main thread asks one of them to run it on each
 * tick (`liveWorker(…).fetch`) and shares the value with all. When a source's data changes, every
 * session that read it in its last run reruns by itself.
 */
import { Table, tableFromIPC, tableToIPC } from "apache-arrow";
import type { Props } from "@dash/runtime/protocol.ts";
import { runSlot, type Run } from "@dash/runtime/run.ts";
import type { SessionWatcher, WorkerExtension } from "@dash/runtime/services.ts";
import type { Ask, SourcePush } from "@dash/runtime/thread.ts";
import type { Session } from "@dash/runtime/session.ts";
import { currentRun, scopeOf } from "@dash/runtime/scope.ts";
import type { ParamValue } from "@dash/runtime/sources/bigquery.ts";
import { cache as memoize, contentHash, type SharedCache } from "@dash/runtime/cache.ts";
import { parseDuration, type Duration } from "@dash/runtime/sources/duration.ts";
import type { Format } from "@dash/runtime/sources/formats.ts";
import { replyOf, SourceHub, sourceKey, type LiveValue, type SourceReply, type SourceSpec } from "@dash/runtime/sources/hub.ts";
import type { Fetched } from "@dash/runtime/sources/source.ts";
import { pollOrigin } from "@dash/runtime/sources/poll.ts";

/** Why a source's data is old: the last poll failed. */
export interface Staleness {
  error: string;
  /** When polling started failing (epoch ms). */
  since: number;
  /** When the data was last fetched successfully (epoch ms). */
  lastSuccess: number;
}

/** Data a source returned while failing, with its source's label and staleness (by identity). */
const staleData = new WeakMap<object, Staleness & { source: string }>();

/**
 * The prop that marks a data element (table, chart, plot) drawn from data exactly as a failing
 * source returned it: the page dims it and says since when it is stale. Data derived from it
 * (filtered, mapped) is a new object and is not marked; the source's warning box still shows.
 */
export function staleProp(...data: unknown[]): Props {
  for (const value of data) {
    const stale = value && typeof value === "object" ? staleData.get(value) : undefined;
    if (stale) return { $dataStale: { ...stale } };
  }
  return {};
}

// Values that travel between threads (cache results, poll values): Arrow tables as IPC.
const encode = (value: unknown): unknown => (value instanceof Table ? { $arrow: tableToIPC(value, "stream") } : value);
const decode = (value: unknown): unknown =>
  value && typeof value === "object" && "$arrow" in value ? tableFromIPC((value as { $arrow: Uint8Array }).$arrow) : value;
/** Decoded values, by key, so an unchanged source gives the same Table object (and sends 0 bytes). */
const decoded = new Map<string, { version: string; value: unknown }>();

let localHub: SourceHub | null = null;
/** Sessions of this thread by id, so a source that changed can rerun its readers. */
const sessionsById = new Map<string, Session>();

function rerunSessions(_key: string, sessions: string[]): void {
  for (const id of sessions) sessionsById.get(id)?.scheduler.request({});
}

/**
 * Fake sources for `dash/testing`, by session id (see `testApp({ sources })`): a fake answers a
 * spec, or returns `undefined` to let the real source answer.
 */
export const fakeSources = {
  answer: new Map<string, (spec: SourceSpec) => SourceReply | undefined | Promise<SourceReply | undefined>>(),
};

/**
 * Source states this worker knows, by key: replies it got and states the main thread pushed
 * with reruns. The main thread pushes every change of a source to each worker where a session
 * read it in its last run; such a session reads the source from here, without a round trip.
 */
const known = new Map<string, SourceReply>();
/** Keys each session of this thread read in its last full run, and how many sessions read each. */
const readKeys = new Map<string, Set<string>>();
const readers = new Map<string, number>();

function setReadKeys(session: string, keys: Set<string> | undefined): void {
  const previous = readKeys.get(session);
  // The new keys count first, so a key read before and now stays known (and its fetcher kept).
  for (const key of keys ?? []) readers.set(key, (readers.get(key) ?? 0) + 1);
  if (keys === undefined) readKeys.delete(session);
  else readKeys.set(session, keys);
  for (const key of previous ?? []) {
    const n = (readers.get(key) ?? 1) - 1;
    if (n > 0) readers.set(key, n);
    else {
      readers.delete(key);
      known.delete(key);
      fetchers.delete(key);
    }
  }
}

async function ask(run: Run, spec: SourceSpec): Promise<SourceReply> {
  const fake = await fakeSources.answer.get(run.session.id)?.(spec);
  if (fake) return fake;
  const request = run.session.services.request;
  if (request) {
    const key = sourceKey(spec);
    const local = known.get(key);
    if (local && readKeys.get(run.session.id)?.has(key)) return local;
    const reply = await request(run.session.id, "source", spec);
    known.set(reply.key, reply);
    return reply;
  }
  // In-process (dash/testing): a hub in this thread.
  localHub ??= new SourceHub({ onChange: rerunSessions, onStale: rerunSessions, onRecover: rerunSessions, runPoll: runFetcher });
  sessionsById.set(run.session.id, run.session);
  const state = await localHub.read(run.session.id, spec);
  return replyOf(state);
}

/** How a source is named to the viewer. */
export function labelOf(spec: SourceSpec): string {
  switch (spec.kind) {
    case "gcs":
      return spec.uri;
    case "file":
      return spec.path;
    case "poll":
      return `poll("${spec.key}")`;
    case "bigquery": {
      const sql = spec.sql.replace(/\s+/g, " ").trim();
      return `BigQuery query "${sql.length > 80 ? `${sql.slice(0, 77)}…` : sql}"`;
    }
  }
}

/** A source's first load failed: the error the script sees (its stack points at the author's call). */
export class SourceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SourceError";
  }
}

/**
 * Show the viewer that the data just read is old: a `sourceStatus` element right where the script
 * read it (once per source and run), with the error and the time of the last success. It
 * disappears on the first run after the source recovers.
 */
const staleShown = runSlot(() => new Set<string>());
function showStaleness(run: Run, key: string, label: string, stale: Staleness): void {
  const shown = staleShown(run);
  if (shown.has(key)) return;
  shown.add(key);
  scopeOf(undefined).add("sourceStatus", { source: label, error: stale.error, since: stale.since, lastSuccess: stale.lastSuccess });
}

function valueOf(reply: SourceReply): unknown {
  const cached = decoded.get(reply.key);
  if (cached && cached.version === reply.version) return cached.value;
  const held = reply.value;
  const value = held.kind === "table" ? tableFromIPC(held.ipc) : held.kind === "text" ? held.text : held.kind === "bytes" ? held.bytes : decode(held.value);
  decoded.set(reply.key, { version: reply.version, value });
  return value;
}

async function read(spec: SourceSpec): Promise<unknown> {
  const run = currentRun();
  run.check();
  // Read even if this read fails: a source whose first load failed is retried for its readers,
  // and they rerun when it loads.
  run.sources.add(sourceKey(spec));
  let reply: SourceReply;
  try {
    reply = await run.guard(ask(run, spec));
  } catch (error) {
    if (run.cancelled || !(error instanceof Error)) throw error;
    // Re-thrown here so the page points at the script line that read the source.
    throw new SourceError(error.message, { cause: error });
  }
  const value = valueOf(reply);
  if (value && typeof value === "object" && reply.stale) staleData.set(value, { ...reply.stale, source: labelOf(spec) });
  else if (value && typeof value === "object") staleData.delete(value);
  if (reply.stale) showStaleness(run, reply.key, labelOf(spec), reply.stale);
  return value;
}

export interface GcsOptions {
  /**
   * With a `gs://bucket/prefix/` URI: read the newest object under the prefix; a number `n`
   * reads the newest `n` objects as one table, oldest first (say, a pipeline's last windows).
   */
  latest?: boolean | number;
  /** How often to check for a new generation (default 60 s). */
  every?: Duration;
  /** csv, json, ndjson, arrow, parquet, text or bytes (default: from the object's name). */
  format?: Format;
}

/**
 * An object in Google Cloud Storage as an Arrow table (or text/bytes). Checked every `every`;
 * downloaded only when its generation changed; one check per server however many viewers.
 * @example const window = await dash.gcs("gs://my-bucket/windows/", { latest: true, every: "20s", format: "json" });
 */
export function gcs(uri: string, options?: GcsOptions & { format?: Exclude<Format, "text" | "bytes"> }): Promise<Table>;
export function gcs(uri: string, options: GcsOptions & { format: "text" }): Promise<string>;
export function gcs(uri: string, options: GcsOptions & { format: "bytes" }): Promise<Uint8Array>;
export function gcs(uri: string, options: GcsOptions = {}): Promise<Table | string | Uint8Array> {
  return read({ kind: "gcs", uri, ...options }) as Promise<Table | string | Uint8Array>;
}

export interface BigQueryOptions {
  /** Named parameters: `@state` in the SQL, `{ state: "CA" }` here. */
  params?: Record<string, ParamValue>;
  /** BigQuery types for parameters whose type cannot be inferred (e.g. empty arrays). */
  types?: Record<string, string | string[]>;
  /** How often to re-check (default 60 s). The query reruns only when a source table changed. */
  every?: Duration;
  /** Fail rather than bill more than this many bytes. */
  maxBytesBilled?: number | bigint | string;
  location?: string;
}

/**
 * Standard SQL on BigQuery, as an Arrow table. The same SQL and parameters are one query for all
 * viewers; on each `every` tick the referenced tables' metadata is checked and the query is
 * skipped when nothing changed. INT64 columns are numbers when every value fits in ±2^53, else
 * BigInt; TIMESTAMP is a date.
 * @example const zips = await dash.bigquery("SELECT zip, population FROM `bigquery-public-data.census.zips` WHERE state = @state", { params: { state } });
 */
export function bigquery(sql: string, options: BigQueryOptions = {}): Promise<Table> {
  return read({ kind: "bigquery", sql, ...options }) as Promise<Table>;
}

export interface FileOptions {
  format?: Format;
}

/**
 * A local file (or a glob of files, concatenated) as an Arrow table, re-read when it changes.
 * Relative paths are from the folder `dash` was started in.
 * @example const sales = await dash.file("data/sales-*.csv");
 */
export function file(path: string, options?: FileOptions & { format?: Exclude<Format, "text" | "bytes"> }): Promise<Table>;
export function file(path: string, options: FileOptions & { format: "text" }): Promise<string>;
export function file(path: string, options: FileOptions & { format: "bytes" }): Promise<Uint8Array>;
export function file(path: string, options: FileOptions = {}): Promise<Table | string | Uint8Array> {
  return read({ kind: "file", path, cwd: process.cwd(), ...options }) as Promise<Table | string | Uint8Array>;
}

/** `poll()` fetchers of this thread, by source key: the closure the latest run passed. */
const fetchers = new Map<string, { name: string; fetcher: () => unknown }>();

/**
 * Runs the fetcher of a `poll()` source for the main thread's poller (or the in-process hub). Its
 * version is a hash of the value's content, so sessions rerun only when the data really changed.
 */
async function runFetcher(key: string): Promise<Fetched<LiveValue>> {
  const held = fetchers.get(key);
  if (!held) throw new MissingFetcher(key);
  const value: unknown = await pollOrigin.run(held.name, held.fetcher);
  return { value: { kind: "value", value: encode(value) }, version: contentHash(value) };
}

/** This thread has no fetcher for the key (none of its sessions reads it): ask another. */
export class MissingFetcher extends Error {
  constructor(key: string) {
    super(`no fetcher for ${key} in this thread`);
    this.name = "MissingFetcher";
  }
}

/**
 * Any other source (an HTTP API, a database) with the same sharing and change rules: `fetcher`
 * runs once per `every` for all viewers of the server, and sessions rerun when its result
 * changes. The value is shared between threads (and, with `DASH_REDIS_URL`, replicas), so return
 * plain data: objects, arrays, strings, numbers, dates, Maps, typed arrays or an Arrow table.
 * @example const rates = await dash.poll("fx", () => fetch(FX_URL).then((r) => r.json()), { every: "5m" });
 */
export async function poll<T>(key: string, fetcher: () => T | Promise<T>, options: { every?: Duration } = {}): Promise<Awaited<T>> {
  if (options.every !== undefined) parseDuration(options.every); // a bad interval fails here, at the author's line
  const spec: SourceSpec = { kind: "poll", key, ...(options.every === undefined ? {} : { every: options.every }) };
  fetchers.set(sourceKey(spec), { name: key, fetcher });
  return (await read(spec)) as Awaited<T>;
}

/** This thread's sessions as live data sees them: what each finished run read, visibility, the end. */
export const liveWatcher: SessionWatcher = {
  /** After each run: sources the run no longer reads stop being polled for its session. */
  runFinished(session, run) {
    if (run.fragment) return;
    localHub?.release(session.id, run.sources);
    setReadKeys(session.id, run.sources);
  },
  closed(session) {
    localHub?.release(session.id);
    setReadKeys(session.id, undefined);
    sessionsById.delete(session.id);
  },
  visibility(session, hidden) {
    localHub?.setHidden(session.id, hidden);
  },
};

/**
 * Live data in a script worker, given the function that asks the main thread: the watcher, the
 * main thread's pushes and fetches, and `cache()` results shared with the other workers.
 */
export function liveWorker(request: Ask): WorkerExtension {
  return {
    watcher: liveWatcher,
    cache: sharedCache(request),
    push(push: SourcePush): void {
      if (push.t === "source") known.set(push.reply.key, push.reply);
    },
    fetch: runFetcher,
    /**
     * An error no code handled came from what `poll(name)`'s fetcher left running (say, a pool's idle
     * socket): it becomes the source's error, for the readers on every worker (see `SourceHub.fail`).
     */
    pollFailed(name: string, error: unknown): boolean {
      const key = sourceKey({ kind: "poll", key: name });
      if (!readers.has(key)) return false;
      const message = error instanceof Error ? error.message : String(error);
      void request("", "pollFailed", { key, error: message }).catch(() => {});
      return true;
    },
  };
}

/**
 * Memoize an expensive function across reruns and viewers: results are keyed by the arguments'
 * content, concurrent calls share one call, errors are not cached, `ttl` expires entries.
 * @example const load = dash.cache(async (state: string) => query(state), { ttl: "1h" });
 */
export const cache = memoize;

// In a script worker, cached results are shared with the other workers through the main thread,
// so one underlying call serves every session of the process.
function sharedCache(request: Ask): SharedCache {
  return {
    async claim(key) {
      const answer = await request("", "cacheClaim", { key });
      return answer.hit ? { hit: true, value: decode(answer.value) } : answer;
    },
    settle(key, result) {
      try {
        const sent = "value" in result ? { value: encode(result.value), expires: result.expires } : result;
        void request("", "cacheSettle", { key, result: sent }).catch(() => {});
      } catch {
        // A value that cannot be copied between threads (functions, class instances): other
        // workers compute their own.
        void request("", "cacheSettle", { key, result: { failed: true } }).catch(() => {});
      }
    },
  };
}
