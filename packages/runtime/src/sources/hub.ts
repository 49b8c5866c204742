/**
 * The main thread's source hub: GCS, BigQuery, file and `poll()` sources, each polled once per
 * process however many sessions (in however many workers) read it.
 *
 * A worker asks `hub.read(session, spec)` (over its message channel) and gets the source's
 * current value: Arrow IPC bytes, text or bytes. Two reads with the same spec (same SQL and
 * params, same URI…) share one key, so one query or download serves every viewer. When a
 * source's data changes, `onChange` names the sessions that read it so the host reruns them.
 *
 * A `poll(key, fetcher)` source is scheduled here too, but its fetcher (the author's closure) only
 * exists in the script workers: each tick asks one worker whose session reads the key to run it
 * (`runPoll`), and every session of every worker shares the value it returns.
 *
 * Cloud clients are created on first use with the standard credentials. `STORAGE_EMULATOR_HOST`
 * is honoured by `@google-cloud/storage` itself; with `BIGQUERY_EMULATOR_HOST` (a base URL
 * ending in `/bigquery/v2`) the BigQuery client sends no credentials at all.
 */
import type { BigQuery } from "@google-cloud/bigquery";
import type { Storage } from "@google-cloud/storage";
import { stableStringify } from "../cache.ts";
import type { ParamValue } from "./bigquery.ts";
import { parseDuration, type Duration } from "./duration.ts";
import type { Format, SourceValue } from "./formats.ts";
import { SharedPoller } from "./poller.ts";
import type { Clock, Fetched, Source, SourceState } from "./source.ts";

/** What a source holds: decoded data (Arrow IPC, text, bytes) or a `poll()` fetcher's value. */
export type LiveValue = SourceValue | { kind: "value"; value: unknown };

/** What a script asked for: `dash.gcs(...)`, `dash.bigquery(...)` or `dash.file(...)`. */
export type SourceSpec =
  | {
      kind: "gcs";
      uri: string;
      latest?: boolean | number;
      format?: Format;
      every?: Duration;
    }
  | {
      kind: "bigquery";
      sql: string;
      params?: Record<string, ParamValue>;
      types?: Record<string, string | string[]>;
      every?: Duration;
      maxBytesBilled?: number | bigint | string;
      location?: string;
    }
  | { kind: "file"; path: string; format?: Format; cwd?: string }
  | { kind: "poll"; key: string; every?: Duration };

export interface SourceHubOptions {
  clock?: Clock;
  /** Makes the Storage client (called once, on first GCS read). Default: `new Storage()`. */
  storage?: () => Storage;
  /** Makes the BigQuery client (called once, on first query). Default: see `defaultBigQuery`. */
  bigquery?: () => BigQuery | Promise<BigQuery>;
  /**
   * Runs the fetcher of a `poll()` source (by source key) once in a thread where it exists (a worker of one of
   * `sessions`, the readers), and returns its value and content version.
   */
  runPoll?(key: string, sessions: string[]): Promise<Fetched<LiveValue>>;
  onChange(key: string, sessions: string[]): void;
  onStale?(key: string, sessions: string[], state: SourceState<LiveValue>): void;
  onRecover?(key: string, sessions: string[], state: SourceState<LiveValue>): void;
  /** Poll interval when a spec gives none. Default 60 s. */
  defaultEvery?: Duration;
  /**
   * Wraps each source so that the replicas of a cluster poll it once between them (`sharedSource`
   * from cluster/sources.ts, with `DASH_REDIS_URL`).
   */
  shared?(key: string, source: Source<LiveValue>): Source<LiveValue>;
  /** Wraps each source to count its polls (`countPolls` from metrics.ts, in the server). */
  counted?(source: Source<LiveValue>, kind: SourceSpec["kind"]): Source<LiveValue>;
}

/** A source's current value as the main thread answers a worker: key, version, value, staleness. */
export interface SourceReply {
  key: string;
  version: string;
  value: LiveValue;
  stale?: SourceState<LiveValue>["stale"];
}

/** The reply for a source state. */
export function replyOf(state: SourceState<LiveValue>): SourceReply {
  return { key: state.key, version: state.version, value: state.value, stale: state.stale };
}

/** The key of a spec: equal specs (ignoring `every`) share one key, and so one poll. */
export function sourceKey(spec: SourceSpec): string {
  const { every: _every, ...rest } = spec as SourceSpec & { every?: Duration };
  if (rest.kind === "file") rest.cwd = rest.cwd ?? process.cwd();
  return `${spec.kind}:${stableStringify(rest)}`;
}

/**
 * Retries inside one request. The poller retries failed polls itself, with backoff, and shows
 * the data as stale meanwhile; the clients' default (3 retries, 1 + 2 + 4 s plus jitter) would
 * hide an outage from viewers for 7 s or more. One quick retry still absorbs a blip.
 */
const clientRetries = 1;

/** The Storage client dash uses by default (standard credentials; honours STORAGE_EMULATOR_HOST). */
export async function defaultStorage(): Promise<Storage> {
  const { Storage } = await import("@google-cloud/storage");
  return new Storage({ retryOptions: { maxRetries: clientRetries, retryDelayMultiplier: 1 } });
}

/**
 * The BigQuery client dash uses by default: standard credentials, or, when
 * `BIGQUERY_EMULATOR_HOST` is set, no credentials (a pass-through auth client) and the project
 * from `GOOGLE_CLOUD_PROJECT` (default `"local"`).
 */
export async function defaultBigQuery(env: NodeJS.ProcessEnv = process.env): Promise<BigQuery> {
  const { BigQuery } = await import("@google-cloud/bigquery");
  if (!env.BIGQUERY_EMULATOR_HOST) return new BigQuery({ maxRetries: clientRetries });
  const { PassThroughClient } = await import("google-auth-library");
  const projectId = env.GOOGLE_CLOUD_PROJECT ?? env.GCLOUD_PROJECT ?? "local";
  // The client's AuthClient type comes from its own copy of google-auth-library.
  const authClient = new PassThroughClient() as unknown as NonNullable<ConstructorParameters<typeof BigQuery>[0]>["authClient"];
  return new BigQuery({ projectId, authClient, maxRetries: clientRetries });
}

/** Runs GCS, BigQuery, file and poll sources for all sessions of this process. */
export class SourceHub {
  readonly #poller: SharedPoller<LiveValue>;
  readonly #options: SourceHubOptions;
  readonly #sources = new Map<string, Source<LiveValue>>();
  #storage?: Promise<Storage>;
  #bigquery?: Promise<BigQuery>;

  constructor(options: SourceHubOptions) {
    this.#options = options;
    this.#poller = new SharedPoller<LiveValue>({
      clock: options.clock,
      onChange: options.onChange,
      onStale: options.onStale,
      onRecover: options.onRecover,
      defaultEvery: options.defaultEvery === undefined ? undefined : parseDuration(options.defaultEvery),
    });
  }

  /** The current value of `spec` for `session`; the first read loads it, later reads are instant. */
  async read(session: string, spec: SourceSpec): Promise<SourceState<LiveValue>> {
    const key = sourceKey(spec);
    const existing = this.#poller.peek(key);
    if (existing !== undefined && this.#poller.readers(key).includes(session)) return existing;
    // One source object per key while it is polled (a shared source holds a lease and a subscription).
    let source = this.#sources.get(key);
    if (source === undefined || !this.#poller.keys().includes(key)) {
      source = await this.#source(spec);
      if (this.#options.counted) source = this.#options.counted(source, spec.kind);
      if (this.#options.shared) source = this.#options.shared(key, source);
      this.#sources.set(key, source);
    }
    return this.#poller.read(session, key, source);
  }

  /** After a run: keep only the sources in `keep` (keys from `sourceKey`) for `session`; without `keep`, the session ended. */
  release(session: string, keep?: ReadonlySet<string>): void {
    this.#poller.release(session, keep);
    if (this.#sources.size > this.#poller.keys().length) {
      const polled = new Set(this.#poller.keys());
      for (const key of this.#sources.keys()) if (!polled.has(key)) this.#sources.delete(key);
    }
  }

  /** A session's tab went to the background (or came back). */
  setHidden(session: string, hidden: boolean): void {
    this.#poller.setHidden(session, hidden);
  }

  /**
   * An error reached `key` from outside a poll (one no code handled, in what a `poll` fetcher left
   * running): its last good value is kept and marked stale. False when it has no value yet.
   */
  fail(key: string, error: unknown): boolean {
    return this.#poller.fail(key, error);
  }

  /** The current state of a key, if loaded. */
  peek(key: string): SourceState<LiveValue> | undefined {
    return this.#poller.peek(key);
  }

  /** Keys being polled. */
  keys(): string[] {
    return this.#poller.keys();
  }

  /** Resolves when no load or poll is under way. */
  idle(): Promise<void> {
    return this.#poller.idle();
  }

  close(): void {
    this.#poller.close();
  }

  async #source(spec: SourceSpec): Promise<Source<LiveValue>> {
    const every = "every" in spec && spec.every !== undefined ? parseDuration(spec.every) : undefined;
    switch (spec.kind) {
      case "poll": {
        const runPoll = this.#options.runPoll;
        if (!runPoll) throw new Error("poll() needs a script thread to run its fetcher");
        const key = sourceKey(spec);
        return { label: `poll("${spec.key}")`, every, fetch: () => runPoll(key, this.#poller.readers(key)) };
      }
      case "gcs": {
        this.#storage ??= this.#options.storage ? Promise.resolve(this.#options.storage()) : defaultStorage();
        const { gcsSource } = await import("./gcs.ts");
        return gcsSource(await this.#storage, spec.uri, {
          latest: spec.latest,
          format: spec.format,
          every,
        });
      }
      case "bigquery": {
        this.#bigquery ??= Promise.resolve(this.#options.bigquery ? this.#options.bigquery() : defaultBigQuery());
        const { bigquerySource } = await import("./bigquery.ts");
        return bigquerySource(await this.#bigquery, spec.sql, {
          params: spec.params,
          types: spec.types,
          maxBytesBilled: spec.maxBytesBilled,
          location: spec.location,
          every,
        });
      }
      case "file": {
        // Connectors (and Arrow, which they use) load on first use: startup stays fast.
        const { fileSource } = await import("./file.ts");
        return fileSource(spec.path, { format: spec.format, cwd: spec.cwd });
      }
    }
  }
}
