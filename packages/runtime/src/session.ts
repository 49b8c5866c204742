/**
 * One viewer's session: the coordinator of the parts that keep it.
 *
 * - `values` (values.ts): widget values, `state`, the URL's query; the one precedence rule.
 * - `scheduler` and `fragments` (scheduler.ts): when runs start, cancel and merge; fragments' timers.
 * - `runner` (runner.ts): a run from start to end (the script, "Running…", the page, status and snapshot after it).
 * - `sync` (pagesync.ts) and `blobs` (blobs.ts): what the browser holds of the page, and its data.
 * - `uploads` (uploads.ts): the files of an upload waiting for each other.
 *
 * A run appends nodes to a fresh tree. While it goes, flushes show the new output followed by
 * what the previous run showed and this one has not reached yet (marked stale, compose.ts). A new
 * input cancels the run: its next dash call throws `Interrupted`, and its output never reaches the
 * page again. Here: the browser's messages, shared runs' adoption, and the browser's comings and goings.
 */
import type { ClientMessage, ErrorInfo, Json, Patch, ServerMessage } from "./protocol.ts";
import type { Run } from "./run.ts";
import { Runner } from "./runner.ts";
import { noServices, type Services } from "./services.ts";
import type { Ids, Node, Page } from "./tree.ts";
import type { User } from "./auth/common.ts";
import { WidgetValues } from "./values.ts";
import { takeSnapshot, type Snapshot } from "./cluster/snapshot.ts";
import { Fragments, RunScheduler } from "./scheduler.ts";
import { BlobLedger } from "./blobs.ts";
import { PageSync } from "./pagesync.ts";
import { PendingUploads, type ArrivedFile } from "./uploads.ts";
import { composePage } from "./compose.ts";

/** A script the session can run: the entry file's body as a function. */
export interface Script {
  main: () => unknown;
  file: string;
  title: string;
}

/** Where a session's output goes and what it tells its host. */
export interface SessionHost {
  send(message: ServerMessage): void;
  sendBinary(frame: Uint8Array): void;
  /** After each completed run: what is needed to restore the session elsewhere. */
  snapshot?(snapshot: Snapshot): void;
  /** Every run's end (for /metrics): how it ended and how long it took. */
  runEnded?(outcome: "done" | "error" | "interrupted", seconds: number): void;
}

export interface App {
  pages: Map<string, Script>;
  defaultPage: string;
}

/** What the sessions adopting one shared run compute once (see `Session.adopt`, shared-runs.ts). */
export interface SharedOutcome {
  /** The finished tree flattened with these ids. */
  page(ids: Ids, tree: Node): Page;
  /** The patch from what a browser holds to `page`. */
  patch(before: Page, page: Page): Patch | null;
  /** Send a message to this session's browser; every session sent the same is sent one text. */
  send(session: Session, message: ServerMessage): void;
}

export interface SessionOptions {
  restore?: Snapshot | undefined;
  query?: Record<string, string> | undefined;
  page?: string | undefined;
  /** Widget values the browser remembers (after the server lost the session). */
  widgets?: Record<string, Json> | undefined;
  /** The signed-in viewer (`dash.user`), `null` without sign-in. */
  user?: User | null | undefined;
  /** What the sessions of this thread share (see services.ts). */
  services?: Services | undefined;
  /** Where the page's node ids come from: sessions that share one can share flattened pages (shared-runs.ts). */
  ids?: Ids | undefined;
}

export class Session {
  readonly values: WidgetValues;
  readonly scheduler: RunScheduler;
  readonly runner: Runner;
  readonly fragments: Fragments;
  readonly blobs: BlobLedger;
  readonly sync: PageSync;
  page: string;
  hidden = false;
  /** Last completed run's tree. */
  tree: Node | null = null;
  lastError: ErrorInfo | null = null;
  runs = 0;
  /** The signed-in viewer (`dash.user`); fixed for the session's life (another user gets another session). */
  readonly user: User | null;
  readonly services: Services;
  private readonly uploads = new PendingUploads();
  private flushTimer: ReturnType<typeof setImmediate> | null = null;

  constructor(
    readonly id: string,
    readonly host: SessionHost,
    public app: App,
    options: SessionOptions = {},
  ) {
    this.page = options.page && app.pages.has(options.page) ? options.page : app.defaultPage;
    if (options.restore && app.pages.has(options.restore.page)) this.page = options.restore.page;
    this.values = new WidgetValues({
      wire: options.widgets,
      query: options.query,
      restore: options.restore,
      onQuery: (query) => this.host.send({ t: "query", query }),
      warn: (message) => this.warn(message),
    });
    this.runner = new Runner(this);
    this.scheduler = new RunScheduler((request) => this.runner.start(request));
    this.fragments = new Fragments((key) => {
      if (!this.hidden && !this.scheduler.run) this.scheduler.request({ fragment: key });
    });
    this.blobs = new BlobLedger((frame) => this.host.sendBinary(frame));
    this.sync = new PageSync((message) => this.host.send(message), this.blobs, options.ids);
    this.user = options.user ?? null;
    this.services = options.services ?? noServices;
  }

  get script(): Script {
    return this.app.pages.get(this.page) ?? this.app.pages.get(this.app.defaultPage)!;
  }

  get closed(): boolean {
    return this.scheduler.closed;
  }

  // ---- inputs ---------------------------------------------------------------------------

  /** Handle one validated message from the browser. */
  receive(message: ClientMessage): void {
    const records = this.values.records;
    switch (message.t) {
      case "set":
        return this.setWidget(message.id, message.value);
      case "click": {
        const record = records.get(message.id);
        if (!record && this.runs === 0) return this.scheduler.request({ trigger: message.id }); // restored quietly: not run here yet
        if (!record?.spec.trigger) return this.warn(`Unknown button ${JSON.stringify(message.id)}.`);
        const onClick = record.spec.onChange;
        if (onClick) this.values.callbacks.push(() => onClick(true));
        return this.scheduler.request({ fragment: record.fragment, trigger: message.id });
      }
      case "submit": {
        const form = records.get(message.form);
        if (!form) return this.warn(`Unknown form ${JSON.stringify(message.form)}.`);
        for (const [id, wire] of Object.entries(message.values)) {
          const record = records.get(id);
          if (!record || record.form !== message.form) continue;
          this.values.accept(id, record, wire);
        }
        const onSubmit = form.spec.onChange;
        if (onSubmit) this.values.callbacks.push(() => onSubmit(true));
        return this.scheduler.request({ fragment: form.fragment, trigger: message.form });
      }
      case "resync":
        return this.sendFull();
      case "nav":
        if (!this.app.pages.has(message.page)) return this.warn(`There is no page ${JSON.stringify(message.page)}.`);
        this.page = message.page;
        return this.scheduler.request({});
      case "clearUpload": {
        this.uploads.clear(message.id);
        const record = records.get(message.id);
        if (!record) return;
        this.values.widgets.set(message.id, null);
        return this.scheduler.request({ fragment: record.fragment });
      }
      case "visibility":
        this.hidden = message.hidden;
        for (const watcher of this.services.watchers) watcher.visibility?.(this, message.hidden);
        return;
      case "ping":
        return this.host.send({ t: "pong", at: message.at });
      case "hello":
        return;
    }
  }

  private setWidget(id: string, wire: Json): void {
    const record = this.values.records.get(id);
    if (!record && this.runs === 0) {
      // Restored quietly after a worker was replaced: this session has not run here yet, so its
      // widgets are not known. Keep the value for the first run (validated there) and run.
      this.values.acceptUnseen(id, wire);
      return this.scheduler.request({});
    }
    if (!record) return this.warn(`Unknown widget ${JSON.stringify(id)}; it may have been removed.`);
    if (record.form) return; // form widgets apply on submit only
    if (!this.values.accept(id, record, wire)) return;
    this.scheduler.request({ fragment: record.fragment });
  }

  /** A file upload finished arriving for widget `id`. */
  upload(id: string, file: ArrivedFile, index: number, count: number): void {
    const record = this.values.records.get(id);
    if (!record || record.spec.kind !== "fileUploader") return this.warn(`Unknown file uploader ${JSON.stringify(id)}.`);
    const arrived = this.uploads.arrive(id, record.spec.props, file, index, count);
    if ("refused" in arrived) return this.host.send({ t: "uploadError", id, message: arrived.refused });
    if ("waiting" in arrived) return;
    this.values.set(id, record.spec, arrived.value);
    this.scheduler.request({ fragment: record.fragment });
  }

  private warn(message: string): void {
    this.host.send({ t: "warning", message });
  }

  // ---- runs (runner.ts) ------------------------------------------------------------------

  snapshot(): Snapshot {
    return takeSnapshot(this.values, this.page);
  }

  // ---- shared runs (shared-runs.ts) -----------------------------------------------------

  /**
   * Nothing but its snapshot decides this session's next plain rerun: no run going or asked for,
   * no input waiting (callbacks, browser values, URL, uploads), no fragments, forms or widget
   * callbacks (their functions and nodes are its own), and its last run ended well.
   */
  idle(): boolean {
    if (!this.scheduler.idle || this.values.waiting) return false;
    if (this.lastError || this.runs === 0 || this.fragments.size || this.uploads.size) return false;
    for (const record of this.values.records.values()) if (record.spec.kind === "form" || record.spec.onChange) return false;
    return true;
  }

  /** Start a plain rerun at once (the session is `idle()`); resolves with it once it is over. */
  rerunNow(): Promise<Run> {
    const going = this.scheduler.startNow({});
    const run = this.scheduler.run!;
    return going.then(() => run);
  }

  /**
   * End as if this session had made `run` itself: `from` made it with exactly this session's
   * inputs. `restored` is this session's own copy of `from`'s snapshot after it (null when the run
   * left the snapshot as it was: this session's is the same and stays); `shared` holds
   * what is computed once for all the sessions taking the same run (pages, patches, texts), and
   * sends their patch (the host hears of the run's end from shared-runs.ts).
   */
  adopt(from: Session, run: Run, restored: Snapshot | null, shared: SharedOutcome): void {
    this.values.adopt(restored, from.values);
    if (restored) this.page = restored.page;
    this.blobs.copy(from.blobs, run.data);
    this.runs++;
    this.lastError = null;
    this.tree = from.tree;
    this.blobs.release(run);
    this.sync.adopt(this.tree!, shared, (message) => shared.send(this, message));
    // No status: this browser was never told a run was going (the session was idle throughout).
    // The same run, seen as this session's (the sources it read now have this reader too).
    for (const watcher of this.services.watchers) watcher.runFinished?.(this, run, "adopted");
  }

  // ---- output ---------------------------------------------------------------------------

  /** Something the running run draws changed: send it soon (one flush per turn). */
  scheduleFlush(): void {
    if (this.flushTimer || !this.scheduler.run) return;
    this.flushTimer = setImmediate(() => {
      this.flushTimer = null;
      if (this.scheduler.run) this.flush(false);
    });
  }

  /** The page now: the finished tree, or the running run's output over the previous page. */
  compose(): Node {
    return composePage(this.tree, this.scheduler.run, (key) => this.fragments.get(key)?.node);
  }

  /** Send what changed since the browser's last version. */
  flush(final: boolean): void {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = null;
    if (!this.sync.connected) return;
    const tree = this.compose();
    const run = this.scheduler.run;
    if (run && !run.fragment) tree.props = { ...run.pageProps };
    else if (this.tree) tree.props = this.tree.props;
    this.sync.patch(tree, final);
  }

  /** Send the whole page (first connect, reconnect out of sync, or `resync`). */
  sendFull(): void {
    this.sync.full(this.compose());
  }

  // ---- the browser ------------------------------------------------------------------------

  /** The browser (re)connected. `version` is what it holds, if it is resuming. */
  attach(version: number | undefined): void {
    this.sync.connected = true;
    if (version === undefined || version !== this.sync.version) this.sendFull();
    else this.flush(!this.scheduler.run);
    const query = this.values.query;
    if (Object.keys(query).length) this.host.send({ t: "query", query: { ...query } });
  }

  /** A browser back on this session (a reconnect, a reload): what it missed, and whether a run is going.
   * A page loaded at another URL brings its query, which wins over the one the session had. */
  resume(version: number | undefined, query?: Record<string, string>): void {
    const moved = query !== undefined && this.values.adoptQuery(query);
    this.attach(version);
    if (moved) this.scheduler.request({});
    else this.host.send({ t: "status", status: this.scheduler.run ? "running" : this.lastError ? "error" : "idle" });
  }

  detach(): void {
    this.sync.connected = false;
    this.uploads.clearAll(); // the rest of an unfinished upload will not come on another connection
  }

  dispose(): void {
    if (!this.closed) for (const watcher of this.services.watchers) watcher.closed?.(this);
    this.scheduler.dispose();
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.blobs.dispose();
    this.runner.dispose();
    this.fragments.dispose();
  }
}
