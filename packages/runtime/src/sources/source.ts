/**
 * What a data source is to dash: something with a `fetch()` and, optionally, a cheap `check()`
 * and a `watch()`; what a fetch returns; the current value as sessions see it (stale or not);
 * and where time comes from (a `Clock`, so polling is tested without sleeping). The poller
 * (`poller.ts`) keeps sources current; the connectors (`gcs.ts`, `bigquery.ts`, `file.ts`,
 * `poll()`) make them.
 */

/** Where time comes from. The default is the real clock; tests pass a fake one. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock. Its timers do not keep the process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

/** What a source's `fetch()` returns. */
export interface Fetched<T> {
  value: T;
  /** Identifies the content (generation, content hash…): the same version means the same data. */
  version: string;
  /** What `check()` would return right now, if the fetch learned it (saves a check next tick). */
  check?: string;
}

/** A data source the poller can keep current. */
export interface Source<T> {
  /** Names the source in error messages, e.g. `gs://bucket/object.csv`. */
  label?: string;
  /** Milliseconds between polls. Without it, a watched source is not polled, others every `defaultEvery`. */
  every?: number;
  /**
   * A cheap look at the source's version (metadata only). When it returns the same string as
   * last time, the tick ends without `fetch()`. `undefined` means "cannot tell": fetch.
   */
  check?(): Promise<string | undefined>;
  /** Loads the data. */
  fetch(): Promise<Fetched<T>>;
  /** Pushes change notifications (e.g. a file watcher). Returns a function that stops watching. */
  watch?(onChange: () => void): () => void;
}

/** The current value of a source, as sessions see it. */
export interface SourceState<T> {
  key: string;
  value: T;
  version: string;
  /** When the value was last confirmed current (epoch ms): the last successful check or fetch. */
  fetchedAt: number;
  /** Present while polling fails: the last good value is kept. */
  stale?: { error: string; since: number; lastSuccess: number };
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
