/**
 * Live data: `gcs`, `bigquery`, `file`, `poll` and `cache`.
 *
 * GCS, BigQuery and file sources are polled by the server's main thread, once per process however
 * many viewers read them; a script asks for the current value and gets an Arrow table. `poll`
 * runs the author's fetcher in the script's own thread, with the same sharing rules. When a
 * source's data changes, every session that read it in its last run reruns by itself.
 */
import { Table, tableFromIPC, tableToIPC } from "apache-arrow";
import { cache as memoize, crossThread } from "@dash/runtime/cache.ts";
import { hooks, type Run } from "@dash/runtime/session.ts";
import { currentRun, scopeOf } from "@dash/runtime/scope.ts";
import type { ParamValue } from "@dash/runtime/sources/bigquery.ts";
import type { Duration } from "@dash/runtime/sources/duration.ts";
import type { Format } from "@dash/runtime/sources/formats.ts";
import { replyOf, SourceHub, sourceKey, type SourceReply, type SourceSpec } from "@dash/runtime/sources/hub.ts";
import { pollSource } from "@dash/runtime/sources/poll.ts";
import { SharedPoller, type SourceState } from "@dash/runtime/sources/poller.ts";

/** Why a source's data is old: the last poll failed. */
export interface Staleness {
  error: string;
  /** When polling started failing (epoch ms). */
  since: number;
  /** When the data was last fetched successfully (epoch ms). */
  lastSuccess: number;
}

const staleTables = new WeakMap<object, Staleness>();

/** The staleness of data a connector returned, if its source is failing (data elements show it). */
export function stalenessOf(data: unknown): Staleness | undefined {
  return data && typeof data === "object" ? staleTables.get(data) : undefined;
}

/** A source as the main thread answers: its key, version and value. */
/** Decoded values, by key, so an unchanged source gives the same Table object (and sends 0 bytes). */
const decoded = new Map<string, { version: string; value: Table | string | Uint8Array }>();

let localHub: SourceHub | null = null;
/** Sessions of this thread by id, so a source that changed can rerun its readers. */
const sessionsById = new Map<string, Run["session"]>();

function rerunSessions(_key: string, sessions: string[]): void {
  for (const id of sessions) sessionsById.get(id)?.request({});
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

hooks.push = (value: unknown): void => {
  const push = value as { t?: string; reply?: SourceReply };
  if (push.t === "source" && push.reply) known.set(push.reply.key, push.reply);
};

function setReadKeys(session: string, keys: Set<string> | undefined): void {
  for (const key of readKeys.get(session) ?? []) {
    const n = (readers.get(key) ?? 1) - 1;
    if (n > 0) readers.set(key, n);
    else {
      readers.delete(key);
      known.delete(key);
    }
  }
  if (keys === undefined) readKeys.delete(session);
  else {
    readKeys.set(session, keys);
    for (const key of keys) readers.set(key, (readers.get(key) ?? 0) + 1);
  }
}

async function ask(run: Run, spec: SourceSpec): Promise<SourceReply> {
  const fake = await fakeSources.answer.get(run.session.id)?.(spec);
  if (fake) return fake;
  if (hooks.request) {
    const key = sourceKey(spec);
    const local = known.get(key);
    if (local && readKeys.get(run.session.id)?.has(key)) return local;
    const reply = (await hooks.request(run.session.id, "source", spec)) as SourceReply;
    known.set(reply.key, reply);
    return reply;
  }
  // In-process (dash/testing): a hub in this thread.
  localHub ??= new SourceHub({ onChange: rerunSessions, onStale: rerunSessions, onRecover: rerunSessions });
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
function showStaleness(run: Run, key: string, label: string, stale: Staleness): void {
  let shown = run.extra.get("staleShown") as Set<string> | undefined;
  if (!shown) run.extra.set("staleShown", (shown = new Set()));
  if (shown.has(key)) return;
  shown.add(key);
  scopeOf(undefined).add("sourceStatus", { source: label, error: stale.error, since: stale.since, lastSuccess: stale.lastSuccess });
}

function remember(run: Run, key: string): void {
  let keys = run.extra.get("sources") as Set<string> | undefined;
  if (!keys) run.extra.set("sources", (keys = new Set()));
  keys.add(key);
}

function valueOf(reply: SourceReply): Table | string | Uint8Array {
  const cached = decoded.get(reply.key);
  if (cached && cached.version === reply.version) return cached.value;
  const value = reply.value.kind === "table" ? tableFromIPC(reply.value.ipc) : reply.value.kind === "text" ? reply.value.text : reply.value.bytes;
  decoded.set(reply.key, { version: reply.version, value });
  return value;
}

async function read(spec: SourceSpec): Promise<Table | string | Uint8Array> {
  const run = currentRun();
  run.check();
  let reply: SourceReply;
  try {
    reply = await run.guard(ask(run, spec));
  } catch (error) {
    if (run.cancelled || !(error instanceof Error)) throw error;
    // Re-thrown here so the page points at the script line that read the source.
    throw new SourceError(error.message, { cause: error });
  }
  remember(run, reply.key);
  const value = valueOf(reply);
  if (typeof value === "object" && reply.stale) staleTables.set(value, reply.stale);
  else if (typeof value === "object") staleTables.delete(value);
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
  return read({ kind: "gcs", uri, ...options });
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
  return read({ kind: "file", path, cwd: process.cwd(), ...options });
}

let poller: SharedPoller<unknown> | null = null;

function workerPoller(): SharedPoller<unknown> {
  poller ??= new SharedPoller<unknown>({ onChange: rerunSessions, onStale: rerunSessions, onRecover: rerunSessions });
  return poller;
}

/**
 * Any other source (an HTTP API, a database) with the same sharing and change rules: `fetcher`
 * runs once per `every` for all viewers, and sessions rerun when its result changes.
 * @example const rates = await dash.poll("fx", () => fetch(FX_URL).then((r) => r.json()), { every: "5m" });
 */
export async function poll<T>(key: string, fetcher: () => T | Promise<T>, options: { every?: Duration } = {}): Promise<T> {
  const run = currentRun();
  run.check();
  const fullKey = `poll:${key}`;
  sessionsById.set(run.session.id, run.session);
  let state: SourceState<unknown>;
  try {
    state = await run.guard(workerPoller().read(run.session.id, fullKey, pollSource(key, fetcher, options)));
  } catch (error) {
    if (run.cancelled || !(error instanceof Error)) throw error;
    throw new SourceError(error.message, { cause: error });
  }
  let keys = run.extra.get("polls") as Set<string> | undefined;
  if (!keys) run.extra.set("polls", (keys = new Set()));
  keys.add(fullKey);
  const value = state.value as T;
  if (value && typeof value === "object") {
    if (state.stale) staleTables.set(value, state.stale);
    else staleTables.delete(value);
  }
  if (state.stale) showStaleness(run, fullKey, `poll("${key}")`, state.stale);
  return value;
}

/** After each run: sources the run no longer reads stop being polled for its session. */
hooks.runFinished = (run: Run): void => {
  if (run.fragment) return;
  const keys = (run.extra.get("polls") as Set<string> | undefined) ?? new Set<string>();
  poller?.release(run.session.id, keys);
  const sources = (run.extra.get("sources") as Set<string> | undefined) ?? new Set<string>();
  localHub?.release(run.session.id, sources);
  setReadKeys(run.session.id, sources);
};
hooks.sessionClosed = (id: string): void => {
  poller?.release(id);
  localHub?.release(id);
  setReadKeys(id, undefined);
  sessionsById.delete(id);
};
hooks.visibility = (id: string, hidden: boolean): void => {
  poller?.setHidden(id, hidden);
};
hooks.pollFailed = (key: string, error: unknown): boolean => poller?.fail(`poll:${key}`, error) ?? false;

/**
 * Memoize an expensive function across reruns and viewers: results are keyed by the arguments'
 * content, concurrent calls share one call, errors are not cached, `ttl` expires entries.
 * @example const load = dash.cache(async (state: string) => query(state), { ttl: "1h" });
 */
export const cache = memoize;

// In a script worker, cached results are shared with the other workers through the main thread,
// so one underlying call serves every session of the process. Arrow tables travel as IPC.
const encode = (value: unknown): unknown => (value instanceof Table ? { $arrow: tableToIPC(value, "stream") } : value);
const decode = (value: unknown): unknown =>
  value && typeof value === "object" && "$arrow" in value ? tableFromIPC((value as { $arrow: Uint8Array }).$arrow) : value;
crossThread.shared = {
  async claim(key) {
    if (!hooks.request) return { hit: false };
    const answer = (await hooks.request("", "cache", { op: "claim", key })) as { hit: true; value: unknown } | { hit: false };
    return answer.hit ? { hit: true, value: decode(answer.value) } : answer;
  },
  settle(key, result) {
    if (!hooks.request) return;
    try {
      const sent = "value" in result ? { value: encode(result.value), expires: result.expires } : result;
      void hooks.request("", "cache", { op: "settle", key, result: sent }).catch(() => {});
    } catch {
      // A value that cannot be copied between threads (functions, class instances): other
      // workers compute their own.
      void hooks.request("", "cache", { op: "settle", key, result: { failed: true } }).catch(() => {});
    }
  },
};
