/**
 * One execution of the script (or of one fragment) for a session: the tree it draws, whether it
 * was cancelled or asked to end, and what it read and used on the way (typed slots, not a bag of
 * string keys). A session starts runs; the run itself knows nothing of the page the browser holds.
 */
import type { Props } from "./protocol.ts";
import { Interrupted, Scope } from "./scope.ts";
import type { Node } from "./tree.ts";
import type { Session } from "./session.ts";
import { callSite } from "./errors.ts";

export class StopSignal extends Error {}
export class RerunSignal extends Error {
  constructor(readonly fragment: string | undefined) {
    super("rerun");
  }
}

export class Run {
  cancelled = false;
  readonly root: Node;
  readonly scope: Scope;
  readonly sidebar: Scope;
  /** Widget ids drawn by this run, with where each was drawn (to name both of a duplicate pair). */
  readonly widgetIds = new Map<string, Error>();
  readonly fragmentsSeen = new Set<string>();
  /** Data blobs this run registered (its page's tables, charts, downloads): all of them, those
   * outside any fragment, and those inside each fragment (a fragment's own run replaces those). */
  readonly data = new Set<string>();
  readonly outside = new Set<string>();
  readonly inside = new Map<string, Set<string>>();
  /** Keys of the sources (gcs, bigquery, file, poll) this run read: its session's subscriptions. */
  readonly sources = new Set<string>();
  /** Forms submitted with `clearOnSubmit` in this run: their widgets go back to defaults after it. */
  readonly clearedForms = new Set<string>();
  /** The run read `dash.user`: what it drew depends on who views it (shared-runs.ts). */
  readsUser = false;
  readonly started = performance.now();
  pageProps: Props = {};
  /** A `stop()` or `rerun()` the script asked for: it holds even if the script catches its signal. */
  ending: StopSignal | RerunSignal | null = null;
  readonly onCancel: (() => void)[] = [];
  private fragmentCount = 0;

  constructor(
    readonly session: Session,
    readonly trigger: string | undefined,
    readonly fragment: string | undefined,
  ) {
    if (fragment) {
      this.root = { type: "fragment", key: fragment, props: {}, children: [] };
      this.scope = new Scope(this, this.root, { fragment });
      this.sidebar = this.scope;
    } else {
      this.root = { type: "page", key: "page", props: {}, children: [] };
      const sidebar: Node = { type: "sidebar", key: "sidebar", props: {}, children: [] };
      const main: Node = { type: "main", key: "main", props: {}, children: [] };
      this.root.children!.push(sidebar, main);
      this.scope = new Scope(this, main);
      this.sidebar = new Scope(this, sidebar);
    }
  }

  /** Note a blob used by the page this run draws, in `fragment` (or outside fragments). */
  useData(hash: string, fragment: string | undefined): void {
    this.data.add(hash);
    if (this.fragment) return;
    if (!fragment) this.outside.add(hash);
    else {
      let hashes = this.inside.get(fragment);
      if (!hashes) this.inside.set(fragment, (hashes = new Set()));
      hashes.add(hash);
    }
  }

  /** Note widget `id` drawn by this run; two widgets with one id are the author's mistake, named with both places. */
  claimWidget(id: string, spec: { kind: string; label: string; key?: string | undefined }): void {
    const site = new Error();
    const first = this.widgetIds.get(id);
    if (first) {
      const what = spec.key !== undefined ? `key ${JSON.stringify(spec.key)}` : `label ${JSON.stringify(spec.label)}`;
      throw new Error(
        `Two ${spec.kind} widgets have the same ${what}: at ${callSite(first)} and at ${callSite(site)}. Give one of them a different label or a unique \`key\`.`,
      );
    }
    this.widgetIds.set(id, site);
  }

  /** Throw if this run has been replaced or asked to end; every dash call starts here. */
  check(): void {
    if (this.cancelled) throw new Interrupted();
    if (this.ending) throw this.ending;
    this.session.services.enter(this.session);
  }

  /** Race a promise against this run being cancelled (what makes dash promises interruptible). */
  guard<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.onCancel.push(() => reject(new Interrupted()));
      promise.then(
        (value) => (this.cancelled ? reject(new Interrupted()) : resolve(value)),
        (error: unknown) => reject(this.cancelled ? new Interrupted() : error),
      );
    });
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    for (const fn of this.onCancel.splice(0)) fn();
  }

  /** Key for the next fragment of this run. */
  nextFragmentKey(): string {
    return this.fragment ? `${this.fragment}.${this.fragmentCount++}` : `fragment${this.fragmentCount++}`;
  }

  stop(): never {
    throw (this.ending ??= new StopSignal());
  }

  rerun(fragment?: string): never {
    throw (this.ending ??= new RerunSignal(fragment));
  }
}

/**
 * A typed slot of run-scoped data for a module outside the runtime (a chart's position counter,
 * the sources a run already marked stale): `const counters = runSlot(() => new Map())`, then
 * `counters(run)` is this run's value, made on first use and gone with the run.
 */
export function runSlot<T>(init: () => T): (run: Run) => T {
  const values = new WeakMap<Run, T>();
  return (run) => {
    let value = values.get(run);
    if (value === undefined) values.set(run, (value = init()));
    return value;
  };
}
