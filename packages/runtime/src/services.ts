/**
 * What the sessions of one thread share, given to each `Session` when it is made (as Preact's
 * single `options` object or Observable Plot's explicit context) instead of module globals
 * that importing a file assigns. A script worker builds it from its own part (the watchdog's
 * marker, requests to the main thread) and the live-data part (`@dash/widgets/live.ts`: its
 * watcher, and `cache()` shared between the workers);
 * `dash/testing` and the benches build theirs in-process, without a main thread.
 */
import type { Run } from "./run.ts";
import type { Session } from "./session.ts";
import type { Ask, SourcePush } from "./thread.ts";
import type { SharedCache } from "./cache.ts";

/** Told of a session's life: the one "run finished" channel, visibility, and its end. */
export interface SessionWatcher {
  /**
   * A run finished (not one that was interrupted), after its page was sent: one `session` made
   * (`ran`), or another session's run it took as its own (`adopted`, shared-runs.ts; `run.session`
   * is then the session that made it).
   */
  runFinished?(session: Session, run: Run, how: "ran" | "adopted"): void;
  /** The session's viewer stopped looking (a background tab) or looks again. */
  visibility?(session: Session, hidden: boolean): void;
  closed?(session: Session): void;
}

export interface Services {
  /** A dash call of `session`'s run goes now (the watchdog's "who runs now" marker). */
  enter(session: Session): void;
  /** Ask the main thread; absent when sessions run in-process (dash/testing, benches). */
  request?: Ask | undefined;
  /** Everyone told of each session's life, in order. */
  watchers: readonly SessionWatcher[];
  /** `cache()` results shared with the other threads (through the main thread); absent: this thread's only. */
  cache?: SharedCache | undefined;
}

/** Services of sessions run in-process with nobody watching (benches, unit tests). */
export const noServices: Services = { enter: () => {}, watchers: [] };

/**
 * What live data adds to a script worker (`serveWorker(live)`): its watcher of sessions, and the
 * handlers for what the main thread pushes and asks for.
 */
export interface WorkerExtension {
  watcher?: SessionWatcher;
  /** `cache()` shared between the workers (made from the function that asks the main thread). */
  cache?: SharedCache;
  /** Data the main thread sent along with reruns (a changed source's new state). */
  push?(push: SourcePush): void;
  /** Run the fetcher of a `poll()` source (by source key) for the main thread's poller. */
  fetch?(key: string): Promise<unknown>;
  /** An error no code handled came from `poll(key)`'s fetcher: true when its source took it as its error. */
  pollFailed?(key: string, error: unknown): boolean;
}
