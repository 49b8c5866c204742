/**
 * `poll(key, fetcher, { every })` for any other source (an HTTP API, a database): the worker
 * wraps the author's fetcher in a `Source` for its own `SharedPoller`. The version is a hash of
 * the fetched value's content, so sessions rerun only when the data really changed.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { contentHash } from "../cache.ts";
import { parseDuration, type Duration } from "./duration.ts";
import type { Source } from "./poller.ts";

export interface PollOptions {
  /** How often to call the fetcher: milliseconds or `"20s"`. Default: the poller's (60 s). */
  every?: Duration;
}

/**
 * The poll whose fetcher started the code running now (its key), also in what that code left
 * behind (a connection pool's sockets and timers): an error no code handled is blamed on it.
 */
export const pollOrigin = new AsyncLocalStorage<string>();

/**
 * A source that calls `fetcher` on each poll.
 *
 * @example
 * const source = pollSource("weather", () => fetch(url).then((r) => r.json()), { every: "5m" });
 * const state = await workerPoller.read(session, "poll:weather", source);
 */
export function pollSource<T>(key: string, fetcher: () => T | Promise<T>, options: PollOptions = {}): Source<T> {
  return {
    label: `poll("${key}")`,
    every: options.every === undefined ? undefined : parseDuration(options.every),
    async fetch() {
      const value = await pollOrigin.run(key, fetcher);
      return { value, version: contentHash(value) };
    },
  };
}
