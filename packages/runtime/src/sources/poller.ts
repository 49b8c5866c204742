/**
 * The shared poller: one timer per data source per process, however many sessions read it.
 *
 * A source is anything with a `fetch()` (download the data) and, optionally, a cheap `check()`
 * (read a version from metadata: a GCS object's generation, a BigQuery table's
 * lastModifiedTime). Each tick runs `check()` and downloads only when the version moved. When
 * the data really changed, `onChange` names exactly the sessions that read it, so only they
 * rerun. A failed tick keeps the last good value, reports it as stale, and retries with
 * exponential backoff; the next good tick reports recovery. A first load that fails is retried
 * the same way (its readers stay readers), and its readers rerun when it succeeds.
 *
 * The main thread uses one poller for every source of the process (see `hub.ts`), `poll()`
 * included: its fetcher runs in a script worker when the poller asks. Time comes in as a `Clock`
 * so all of this is tested without sleeping.
 */

import { messageOf, systemClock, type Clock, type Source, type SourceState } from "./source.ts";

export interface PollerOptions<T> {
  clock?: Clock;
  /** The data of `key` changed; `sessions` are exactly the sessions that read it. */
  onChange(key: string, sessions: string[]): void;
  /** A poll of `key` failed; `state` still holds the last good value and says why it is stale. */
  onStale?(key: string, sessions: string[], state: SourceState<T>): void;
  /** `key` polls successfully again after failing. `onChange` follows if the data also changed. */
  onRecover?(key: string, sessions: string[], state: SourceState<T>): void;
  /** Poll interval for sources that give no `every` and do not watch. Default 60 s. */
  defaultEvery?: number;
  /** Longest wait between retries of a failing source. Default 5 minutes (or `every`, if longer). */
  maxBackoff?: number;
}

interface Entry<T> {
  key: string;
  source: Source<T>;
  every: number | undefined;
  readers: Set<string>;
  state?: SourceState<T>;
  checkVersion?: string;
  loading?: Promise<SourceState<T>>;
  /** The last first-load attempt failed (no value yet): why, and when (epoch ms). */
  error?: Error;
  failedAt?: number;
  refreshing?: Promise<void>;
  /** A watch event arrived while a fetch was under way: fetch again after it. */
  again: boolean;
  timer?: unknown;
  unwatch?: () => void;
  failures: number;
  /** A poll came due while every reader was hidden; it runs when one becomes visible. */
  paused: boolean;
  closed: boolean;
}

const defaults = {
  defaultEvery: 60_000,
  maxBackoff: 300_000,
  watchRetry: 1_000,
  /** A read of a source whose first load failed tries again at once if the last try is this old (ms). */
  retryOnRead: 1_000,
};

/**
 * Keeps sources current for the sessions that read them.
 *
 * @example
 * const poller = new SharedPoller<string>({ onChange: (key, sessions) => rerun(sessions) });
 * const state = await poller.read("s1", "prices", { every: 20_000, fetch: loadPrices });
 * // after the run: keep polling only what it read
 * poller.release("s1", new Set(["prices"]));
 */
export class SharedPoller<T> {
  readonly #clock: Clock;
  readonly #options: PollerOptions<T>;
  readonly #entries = new Map<string, Entry<T>>();
  readonly #sessionKeys = new Map<string, Set<string>>();
  readonly #hidden = new Set<string>();

  constructor(options: PollerOptions<T>) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  /**
   * The current value of `key` for `session`, loading it on first use. Concurrent first reads
   * share one fetch. Rejects only when the first load fails; later failures keep the last good
   * value and mark it `stale`.
   */
  read(session: string, key: string, source: Source<T>): Promise<SourceState<T>> {
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = {
        key,
        source,
        every: undefined,
        readers: new Set(),
        again: false,
        failures: 0,
        paused: false,
        closed: false,
      };
      this.#entries.set(key, entry);
    }
    entry.source = source;
    if (source.every !== undefined && (entry.every === undefined || source.every < entry.every)) {
      entry.every = source.every;
      if (entry.timer !== undefined && entry.failures === 0) this.#schedule(entry);
    }
    entry.readers.add(session);
    let keys = this.#sessionKeys.get(session);
    if (keys === undefined) this.#sessionKeys.set(session, (keys = new Set()));
    keys.add(key);
    if (entry.state !== undefined) return Promise.resolve(entry.state);
    if (entry.loading === undefined && entry.error !== undefined && this.#clock.now() - (entry.failedAt ?? 0) < defaults.retryOnRead) {
      return Promise.reject(entry.error);
    }
    return this.#startLoad(entry);
  }

  /** A first load (or a retry of one): shared by concurrent readers; a retry timer waits for it. */
  #startLoad(entry: Entry<T>): Promise<SourceState<T>> {
    if (entry.loading !== undefined) return entry.loading;
    if (entry.timer !== undefined) this.#clock.clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.loading = this.#load(entry);
    entry.loading.catch(() => {}); // a retry nobody awaits: its error is kept in the entry
    return entry.loading;
  }

  /**
   * Forgets what `session` read, except the keys in `keep` (call it after each run with the keys
   * that run read; without `keep` when the session ends). A source nobody reads stops polling.
   */
  release(session: string, keep?: ReadonlySet<string>): void {
    const keys = this.#sessionKeys.get(session);
    if (keys !== undefined) {
      for (const key of keys) {
        // (Deleting the key being visited from a Set does not disturb its iteration.)
        if (keep?.has(key)) continue;
        keys.delete(key);
        const entry = this.#entries.get(key);
        if (entry === undefined) continue;
        entry.readers.delete(session);
        if (entry.readers.size === 0) this.#dispose(entry);
      }
    }
    if (keep === undefined) {
      this.#sessionKeys.delete(session);
      this.#hidden.delete(session);
    }
  }

  /**
   * Marks a session's page as hidden (a background tab) or visible. Sources whose readers are
   * all hidden skip their polls; when a reader becomes visible they poll at once.
   */
  setHidden(session: string, hidden: boolean): void {
    if (hidden) {
      this.#hidden.add(session);
      return;
    }
    if (!this.#hidden.delete(session)) return;
    for (const key of this.#sessionKeys.get(session) ?? []) {
      const entry = this.#entries.get(key);
      if (entry?.paused) {
        entry.paused = false;
        this.#tick(entry);
      }
    }
  }

  /**
   * An error reached `key` from outside a poll (one no code handled, in what its fetcher left
   * running, e.g. a connection pool's idle socket): the last good value is kept and marked stale,
   * as after a failed poll, until a poll succeeds. False when `key` has no value yet.
   */
  fail(key: string, error: unknown): boolean {
    const entry = this.#entries.get(key);
    if (entry?.state === undefined) return false;
    this.#markStale(entry, entry.state, error);
    return true;
  }

  /** The current state of `key`, if loaded. */
  peek(key: string): SourceState<T> | undefined {
    return this.#entries.get(key)?.state;
  }

  /** The sessions that read `key`. */
  readers(key: string): string[] {
    return [...(this.#entries.get(key)?.readers ?? [])];
  }

  /** The keys being kept current. */
  keys(): string[] {
    return [...this.#entries.keys()];
  }

  /** Resolves when no load or poll is under way (for orderly shutdown and tests). */
  async idle(): Promise<void> {
    for (;;) {
      const pending: Promise<unknown>[] = [];
      for (const entry of this.#entries.values()) {
        if (entry.loading) pending.push(entry.loading);
        if (entry.refreshing) pending.push(entry.refreshing);
      }
      if (pending.length === 0) return;
      await Promise.allSettled(pending);
    }
  }

  /** Stops every timer and watcher. */
  close(): void {
    for (const entry of [...this.#entries.values()]) this.#dispose(entry);
    this.#sessionKeys.clear();
    this.#hidden.clear();
  }

  async #load(entry: Entry<T>): Promise<SourceState<T>> {
    this.#watch(entry);
    try {
      const fetched = await entry.source.fetch();
      const state: SourceState<T> = {
        key: entry.key,
        value: fetched.value,
        version: fetched.version,
        fetchedAt: this.#clock.now(),
      };
      entry.state = state;
      entry.checkVersion = fetched.check;
      entry.loading = undefined;
      const retried = entry.error !== undefined;
      entry.error = undefined;
      entry.failures = 0;
      if (!entry.closed) {
        if (entry.again) {
          entry.again = false;
          void this.#refresh(entry);
        } else {
          this.#schedule(entry);
        }
        // The sessions whose first read failed show an error: they rerun with the data.
        if (retried) this.#options.onChange(entry.key, [...entry.readers]);
      }
      return state;
    } catch (error) {
      entry.loading = undefined;
      entry.failures++;
      entry.error = loadError(entry, error);
      entry.failedAt = this.#clock.now();
      entry.again = false;
      // Its readers keep it: retried with backoff until it loads or nobody reads it.
      if (entry.readers.size === 0) this.#dispose(entry);
      else this.#schedule(entry);
      throw entry.error;
    }
  }

  #watch(entry: Entry<T>): void {
    if (entry.source.watch === undefined || entry.unwatch !== undefined) return;
    entry.unwatch = entry.source.watch(() => {
      if (entry.closed) return;
      if (entry.loading !== undefined || entry.refreshing !== undefined) {
        entry.again = true;
      } else if (this.#allHidden(entry)) {
        entry.paused = true;
      } else {
        this.#tick(entry);
      }
    });
  }

  #schedule(entry: Entry<T>): void {
    if (entry.timer !== undefined) this.#clock.clearTimeout(entry.timer);
    entry.timer = undefined;
    if (entry.closed) return;
    const every = entry.every ?? (entry.source.watch ? undefined : (this.#options.defaultEvery ?? defaults.defaultEvery));
    let delay = every;
    if (entry.failures > 0) {
      const base = every ?? defaults.watchRetry;
      const cap = Math.max(base, this.#options.maxBackoff ?? defaults.maxBackoff);
      delay = Math.min(base * 2 ** (entry.failures - 1), cap);
    }
    if (delay === undefined) return;
    entry.timer = this.#clock.setTimeout(() => {
      entry.timer = undefined;
      if (this.#allHidden(entry)) entry.paused = true;
      else this.#tick(entry);
    }, delay);
  }

  /** Poll now: a refresh, or a retry of a first load that failed. */
  #tick(entry: Entry<T>): void {
    if (entry.state !== undefined) void this.#refresh(entry);
    else void this.#startLoad(entry);
  }

  #allHidden(entry: Entry<T>): boolean {
    if (entry.readers.size === 0) return false;
    for (const session of entry.readers) if (!this.#hidden.has(session)) return false;
    return true;
  }

  #refresh(entry: Entry<T>): Promise<void> {
    return (entry.refreshing ??= this.#poll(entry).finally(() => {
      entry.refreshing = undefined;
      if (entry.closed) return;
      if (entry.again) {
        entry.again = false;
        void this.#refresh(entry);
      } else {
        this.#schedule(entry);
      }
    }));
  }

  /** One tick: check, fetch if the version moved, report change / staleness / recovery. */
  async #poll(entry: Entry<T>): Promise<void> {
    const previous = entry.state;
    if (previous === undefined) return;
    const { onChange, onRecover } = this.#options;
    try {
      const source = entry.source;
      const checked = source.check ? await source.check() : undefined;
      let next: SourceState<T> = { ...previous, fetchedAt: this.#clock.now() };
      delete next.stale;
      let changed = false;
      if (checked === undefined || checked !== entry.checkVersion) {
        const fetched = await source.fetch();
        entry.checkVersion = fetched.check ?? checked;
        if (fetched.version !== previous.version) {
          next = {
            key: entry.key,
            value: fetched.value,
            version: fetched.version,
            fetchedAt: this.#clock.now(),
          };
          changed = true;
        }
      }
      entry.state = next;
      const recovered = entry.failures > 0;
      entry.failures = 0;
      if (entry.closed) return;
      if (recovered) onRecover?.(entry.key, [...entry.readers], next);
      if (changed) onChange(entry.key, [...entry.readers]);
    } catch (error) {
      this.#markStale(entry, previous, error);
    }
  }

  #markStale(entry: Entry<T>, previous: SourceState<T>, error: unknown): void {
    entry.failures++;
    const now = this.#clock.now();
    const stale = {
      error: messageOf(error),
      since: previous.stale?.since ?? now,
      lastSuccess: previous.fetchedAt,
    };
    const state: SourceState<T> = { ...previous, stale };
    entry.state = state;
    if (!entry.closed) this.#options.onStale?.(entry.key, [...entry.readers], state);
  }

  #dispose(entry: Entry<T>): void {
    entry.closed = true;
    if (entry.timer !== undefined) this.#clock.clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.unwatch?.();
    entry.unwatch = undefined;
    if (this.#entries.get(entry.key) === entry) this.#entries.delete(entry.key);
    for (const session of entry.readers) this.#sessionKeys.get(session)?.delete(entry.key);
  }
}

function loadError(entry: Entry<unknown>, error: unknown): Error {
  const message = messageOf(error);
  const label = entry.source.label ?? entry.key;
  const text = message.includes(label) ? message : `Could not load ${label}: ${message}`;
  return new Error(text, { cause: error });
}
