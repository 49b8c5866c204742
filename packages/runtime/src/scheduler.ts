/**
 * When a session's runs start. One run at a time: a new input cancels the run going (its next
 * dash call throws `Interrupted`), and the next run starts once that one has stopped, so two
 * runs never interleave their changes. Inputs that arrive together merge into one pending run.
 * Fragments (`dash.fragment`) are drawn by full runs and rerun alone, on their widgets' inputs
 * and on their timers.
 */
import { current, type Scope } from "./scope.ts";
import type { Node } from "./tree.ts";
import type { Run } from "./run.ts";

export interface RunRequest {
  fragment?: string | undefined;
  trigger?: string | undefined;
}

/** A cancelled run that has not stopped after this long (ms) no longer holds back the next. */
export const abandonAfter = 10_000;

export class RunScheduler {
  /** The run going now, until it has finished or been replaced. */
  run: Run | null = null;
  closed = false;
  private pending: RunRequest | null = null;
  /** The current run until it has thrown or finished, and the start waiting for that. */
  private going: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  private timer: ReturnType<typeof setImmediate> | null = null;

  /** `start` runs the script (or a fragment) for a request and resolves when that run is over. */
  constructor(private readonly start: (request: RunRequest) => Promise<void>) {}

  /** Ask for a rerun (whole script, or one fragment). Requests that arrive together merge. */
  request(request: RunRequest = {}): void {
    if (this.closed) return;
    const previous = this.pending;
    this.pending = previous
      ? { fragment: previous.fragment === request.fragment ? request.fragment : undefined, trigger: request.trigger ?? previous.trigger }
      : request;
    // A fragment's run goes on while another fragment is asked for; anything else replaces it.
    if (this.run && !(this.run.fragment && request.fragment && this.run.fragment !== request.fragment)) this.run.cancel();
    this.timer ??= setImmediate(() => void this.startPending());
  }

  /**
   * Start the pending run (also what `testApp().run()` uses); resolves when it is over. A run
   * still going is cancelled, and the new one starts once it has thrown or finished.
   */
  startPending(): Promise<void> {
    if (this.timer) clearImmediate(this.timer);
    this.timer = null;
    if (this.going) {
      this.run?.cancel();
      return (this.next ??= this.stopped(this.going).then(() => {
        this.next = null;
        return this.startPending();
      }));
    }
    const request = this.pending ?? {};
    this.pending = null;
    return this.startNow(request);
  }

  /** Nothing is going, asked for or waiting to start. */
  get idle(): boolean {
    return !this.closed && !this.run && !this.going && !this.pending && !this.timer;
  }

  /** Start a run now (when `idle`, or from `startPending`); resolves when it is over. */
  startNow(request: RunRequest): Promise<void> {
    if (this.closed) return Promise.resolve();
    const going: Promise<void> = this.start(request).then(() => {
      if (this.going === going) this.going = null;
    });
    this.going = going;
    return going;
  }

  /**
   * When a cancelled run has stopped. One that ignores its cancellation for `abandonAfter` ms
   * (awaiting a plain promise that does not settle) is left behind: it can no longer draw or touch
   * `state`, and the session goes on without it.
   */
  private stopped(going: Promise<void>): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (this.going === going) this.going = null;
        resolve();
      }, abandonAfter);
      void going.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  dispose(): void {
    this.closed = true;
    this.run?.cancel();
    this.run = null;
    if (this.timer) clearImmediate(this.timer);
    this.timer = null;
  }
}

export interface Fragment {
  fn: () => unknown;
  /** Where it is drawn in the last full run's tree (its own runs replace its children). */
  node: Node;
  every?: number | undefined;
  timer?: ReturnType<typeof setInterval> | undefined;
}

/** A session's fragments, by key, and their timers (`every`). */
export class Fragments {
  private readonly all = new Map<string, Fragment>();

  /** `tick(key)`: a fragment's interval is up (rerun it unless the session is busy or hidden). */
  constructor(private readonly tick: (key: string) => void) {}

  get size(): number {
    return this.all.size;
  }

  get(key: string): Fragment | undefined {
    return this.all.get(key);
  }

  /** `dash.fragment(fn)`: draw fn here now, and later rerun it alone. */
  draw(scope: Scope, fn: () => unknown, every: number | undefined): unknown {
    const run = scope.run;
    const key = run.nextFragmentKey();
    const inner = scope.child("fragment", {}, { fragment: key }, key);
    run.fragmentsSeen.add(key);
    const existing = this.all.get(key);
    if (existing?.timer && existing.every !== every) clearInterval(existing.timer);
    this.all.set(key, { fn, node: inner.node, every, timer: existing && existing.every === every ? existing.timer : undefined });
    return current.run({ run, scope: inner }, fn);
  }

  /** After a full run: fragments it did not draw are gone; those it drew with `every` tick. */
  sync(run: Run): void {
    for (const [key, fragment] of this.all) {
      if (!run.fragmentsSeen.has(key)) {
        if (fragment.timer) clearInterval(fragment.timer);
        this.all.delete(key);
      } else if (fragment.every && !fragment.timer) {
        fragment.timer = setInterval(() => this.tick(key), fragment.every);
        fragment.timer.unref?.();
      }
    }
  }

  dispose(): void {
    for (const fragment of this.all.values()) if (fragment.timer) clearInterval(fragment.timer);
    this.all.clear();
  }
}
