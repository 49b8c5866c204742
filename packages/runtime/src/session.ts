/**
 * One viewer's session: its widget values, `state`, URL query and the page its browser holds;
 * and the runs of the script that produce that page.
 *
 * A run appends nodes to a fresh tree. While it goes, flushes show the new output followed by
 * what the previous run showed and this one has not reached yet (marked stale). A new input
 * cancels the run: its next dash call throws `Interrupted`, and its output never reaches the page
 * again. Inputs that arrive together merge into one pending run.
 */
import type { ClientMessage, ErrorInfo, Json, Patch, Props, ServerMessage } from "./protocol.ts";
import { encodeData, formatBytes } from "./protocol.ts";
import { current, Interrupted, type Scope, widgetId, type WidgetRecord, type WidgetSpec } from "./scope.ts";
import { RerunSignal, Run } from "./run.ts";
import { noServices, type Services } from "./services.ts";
import { diff, flatten, Ids, type Node, type Page } from "./tree.ts";
import { describeError, callSite } from "./errors.ts";
import type { User } from "./auth/common.ts";

/** A script the session can run: the entry file's body as a function. */
export interface Script {
  main: () => unknown;
  file: string;
  title: string;
}

/** Where a session's output goes and what it may ask of its host. */
export interface SessionHost {
  send(message: ServerMessage): void;
  sendBinary(frame: Uint8Array): void;
  /** After each completed run: what is needed to restore the session elsewhere. */
  snapshot?(snapshot: Snapshot): void;
  /** Every run's end (for /metrics): how it ended and how long it took. */
  runEnded?(outcome: "done" | "error" | "interrupted", seconds: number): void;
}

/** The part of a session that survives a move to another worker. */
export interface Snapshot {
  widgets: [string, unknown][];
  state: Record<string, unknown>;
  query: Record<string, string>;
  page: string;
}

export interface App {
  pages: Map<string, Script>;
  defaultPage: string;
}

interface RunRequest {
  fragment?: string | undefined;
  trigger?: string | undefined;
}

/** A cancelled run that has not stopped after this long (ms) no longer holds back the next. */
const abandonAfter = 10_000;
/** Runs shorter than this (ms) never show "Running…". */
const runningDelay = 40;
/** How much data the page stopped showing a browser may keep (most recent first). */
const keepAtMost = { blobs: 64, bytes: 8 * 1024 * 1024 };

interface Fragment {
  fn: () => unknown;
  node: Node;
  every?: number | undefined;
  timer?: ReturnType<typeof setInterval> | undefined;
}

/** What the sessions adopting one shared run compute once (see `Session.adopt`, shared-runs.ts). */
export interface SharedOutcome {
  /** How long the run took (ms), as its status says. */
  ms: number;
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
  /** Where the page's node ids come from: sessions that share one can share flattened pages (shared-runs.ts). */
  ids?: Ids | undefined;
  /** What the sessions of this thread share (see services.ts). */
  services?: Services | undefined;
}

export class Session {
  readonly widgets = new Map<string, unknown>();
  state: Record<string, unknown> = {};
  query: Record<string, string> = {};
  page: string;
  /** Widgets of the last run, by id. */
  records = new Map<string, WidgetRecord>();
  run: Run | null = null;
  connected = true;
  hidden = false;
  closed = false;
  /** Last completed run's tree, and what the browser holds. */
  tree: Node | null = null;
  readonly ids: Ids;
  private sent: Page = new Map();
  version = 0;
  private data = new Map<string, Uint8Array>();
  /** Blobs of the last full run, and of each fragment's last own run: what the page shows. */
  private pageData = new Set<string>();
  private fragmentData = new Map<string, Set<string>>();
  /** Blobs the browser holds that the page no longer uses: told in the next patch. */
  private toRelease: string[] = [];
  private dataSent = new Set<string>();
  /** Blobs the page stopped using that the browser still holds (oldest first, with their size):
   * going back to a state seen before (a select flipped back) sends none of its data again. */
  private kept = new Map<string, number>();
  private keptBytes = 0;
  private deferred = new Set<string>();
  private pending: RunRequest | null = null;
  /** The current run until it has thrown or finished, and the start waiting for that. */
  private going: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  private pendingTimer: ReturnType<typeof setImmediate> | null = null;
  private callbacks: (() => void)[] = [];
  private flushTimer: ReturnType<typeof setImmediate> | null = null;
  private deferredTimer: ReturnType<typeof setImmediate> | null = null;
  private runningTimer: ReturnType<typeof setTimeout> | null = null;
  private fragments = new Map<string, Fragment>();
  private wireWidgets: Record<string, Json> = {};
  /** Query names whose widgets read the URL again at their next render (see the constructor). */
  private unreadQuery = new Set<string>();
  private uploads = new Map<string, { files: { name: string; type: string; bytes: Uint8Array }[]; count: number }>();
  lastError: ErrorInfo | null = null;
  runs = 0;
  /** The signed-in viewer (`dash.user`); fixed for the session's life (another user gets another session). */
  readonly user: User | null;
  readonly services: Services;

  constructor(
    readonly id: string,
    readonly host: SessionHost,
    public app: App,
    options: SessionOptions = {},
  ) {
    this.page = options.page && app.pages.has(options.page) ? options.page : app.defaultPage;
    this.query = { ...(options.query ?? {}) };
    if (options.restore) {
      for (const [key, value] of options.restore.widgets) this.widgets.set(key, value);
      this.state = options.restore.state;
      this.query = options.restore.query;
      this.page = app.pages.has(options.restore.page) ? options.restore.page : this.page;
      // Taken over by a page that brought its URL (another replica's session): the URL wins, as
      // in `resume`; its widgets are not known before the first run, so they forget there.
      if (options.query) {
        this.unreadQuery = changedNames(this.query, options.query);
        this.query = { ...options.query };
      }
    }
    this.wireWidgets = { ...(options.widgets ?? {}) };
    this.user = options.user ?? null;
    this.ids = options.ids ?? new Ids();
    this.services = options.services ?? noServices;
  }

  get script(): Script {
    return this.app.pages.get(this.page) ?? this.app.pages.get(this.app.defaultPage)!;
  }

  // ---- inputs ---------------------------------------------------------------------------

  /** Handle one validated message from the browser. */
  receive(message: ClientMessage): void {
    switch (message.t) {
      case "set":
        return this.setWidget(message.id, message.value);
      case "click": {
        const record = this.records.get(message.id);
        if (!record && this.runs === 0) return this.request({ trigger: message.id }); // restored quietly: not run here yet
        if (!record?.spec.trigger) return this.warn(`Unknown button ${JSON.stringify(message.id)}.`);
        const onClick = record.spec.onChange;
        if (onClick) this.callbacks.push(() => onClick(true));
        return this.request({ fragment: record.fragment, trigger: message.id });
      }
      case "submit": {
        const form = this.records.get(message.form);
        if (!form) return this.warn(`Unknown form ${JSON.stringify(message.form)}.`);
        for (const [id, wire] of Object.entries(message.values)) {
          const record = this.records.get(id);
          if (!record || record.form !== message.form) continue;
          this.accept(id, record, wire);
        }
        const onSubmit = form.spec.onChange;
        if (onSubmit) this.callbacks.push(() => onSubmit(true));
        return this.request({ fragment: form.fragment, trigger: message.form });
      }
      case "resync":
        return this.sendFull();
      case "nav":
        if (!this.app.pages.has(message.page)) return this.warn(`There is no page ${JSON.stringify(message.page)}.`);
        this.page = message.page;
        return this.request({});
      case "clearUpload":
        this.uploads.delete(message.id);
        if (!this.records.has(message.id)) return;
        this.widgets.set(message.id, null);
        return this.request({ fragment: this.records.get(message.id)?.fragment });
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
    const record = this.records.get(id);
    if (!record && this.runs === 0) {
      // Restored quietly after a worker was replaced: this session has not run here yet, so its
      // widgets are not known. Keep the value for the first run (validated there) and run.
      this.widgets.delete(id);
      if (id.startsWith("key:")) delete this.state[id.slice(4)];
      this.wireWidgets[id] = wire;
      return this.request({});
    }
    if (!record) return this.warn(`Unknown widget ${JSON.stringify(id)}; it may have been removed.`);
    if (record.form) return; // form widgets apply on submit only
    if (!this.accept(id, record, wire)) return;
    this.request({ fragment: record.fragment });
  }

  private accept(id: string, record: WidgetRecord, wire: Json): boolean {
    const value = record.spec.parse(wire);
    if (value === undefined) {
      this.warn(`Refused a value for "${record.spec.label}": not a valid ${record.spec.kind} value.`);
      return false;
    }
    this.widgets.set(id, value);
    if (record.spec.key !== undefined) this.state[record.spec.key] = value;
    if (record.spec.query) this.setQuery(record.spec.query, record.spec.toQuery?.(value) ?? String(value));
    const onChange = record.spec.onChange;
    if (onChange) this.callbacks.push(() => onChange(value));
    return true;
  }

  /** A file upload finished arriving for widget `id`. */
  upload(id: string, file: { name: string; type: string; bytes: Uint8Array }, index: number, count: number): void {
    const record = this.records.get(id);
    if (!record || record.spec.kind !== "fileUploader") return this.warn(`Unknown file uploader ${JSON.stringify(id)}.`);
    const max = Number(record.spec.props.maxBytes ?? Infinity);
    if (file.bytes.length > max) {
      this.host.send({ t: "uploadError", id, message: `${file.name} is ${formatBytes(file.bytes.length)}; the limit is ${formatBytes(max)}.` });
      return;
    }
    let pending = this.uploads.get(id);
    if (!pending || index === 0) this.uploads.set(id, (pending = { files: [], count }));
    pending.files[index] = file;
    if (pending.files.filter(Boolean).length < pending.count) return;
    this.uploads.delete(id);
    const value = record.spec.props.multiple ? pending.files : pending.files[0];
    this.widgets.set(id, value);
    if (record.spec.key !== undefined) this.state[record.spec.key] = value;
    this.request({ fragment: record.fragment });
  }

  private warn(message: string): void {
    this.host.send({ t: "warning", message });
  }

  // ---- runs -----------------------------------------------------------------------------

  /** Ask for a rerun (whole script, or one fragment). Requests that arrive together merge. */
  request(request: RunRequest = {}): void {
    if (this.closed) return;
    const previous = this.pending;
    this.pending = previous
      ? { fragment: previous.fragment === request.fragment ? request.fragment : undefined, trigger: request.trigger ?? previous.trigger }
      : request;
    if (this.run && !(this.run.fragment && request.fragment && this.run.fragment !== request.fragment)) this.run.cancel();
    if (!this.pendingTimer) this.pendingTimer = setImmediate(() => this.startPending());
  }

  /**
   * Start the pending run (also what `testApp().run()` uses); resolves when it is over. One run
   * at a time: a run still going is cancelled, and the new one starts once it has thrown (at its
   * next dash call or dash promise) or finished, so two runs never interleave their changes.
   */
  startPending(): Promise<void> {
    if (this.pendingTimer) clearImmediate(this.pendingTimer);
    this.pendingTimer = null;
    if (this.going) {
      this.run?.cancel();
      return (this.next ??= this.stopped(this.going).then(() => {
        this.next = null;
        return this.startPending();
      }));
    }
    const request = this.pending ?? {};
    this.pending = null;
    return this.start(request);
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

  /** Run the script (or a fragment) now; resolves when this run is over. */
  private start(request: RunRequest): Promise<void> {
    if (this.closed) return Promise.resolve();
    const fragment = request.fragment ? this.fragments.get(request.fragment) : undefined;
    const run = new Run(this, request.trigger, fragment ? request.fragment : undefined);
    this.run = run;
    this.runs++;
    // "Running…" is announced only for runs that take a while: a quick run's patch arrives
    // first and alone (one message fewer on the path from input to screen, and no flicker).
    if (this.runningTimer) clearTimeout(this.runningTimer);
    this.runningTimer = setTimeout(() => {
      this.runningTimer = null;
      if (this.run === run) this.host.send({ t: "status", status: "running" });
    }, runningDelay);
    const callbacks = this.callbacks.splice(0);
    this.services.enter(this);
    const going: Promise<void> = current
      .run({ run, scope: run.scope }, async () => {
        let thrown: { error: unknown } | undefined;
        try {
          for (const callback of callbacks) callback();
          if (fragment) await fragment.fn();
          else await this.script.main();
        } catch (error) {
          thrown = { error };
        }
        const outcome = this.settle(run, thrown);
        if (outcome !== "interrupted") this.finish(run, outcome);
        this.host.runEnded?.(outcome, (performance.now() - run.started) / 1000);
      })
      .catch((error: unknown) => {
        // A failure in the runtime itself: show it rather than lose the session.
        this.lastError = describeError(error);
        this.host.send({ t: "status", status: "error" });
        this.host.runEnded?.("error", (performance.now() - run.started) / 1000);
      })
      .then(() => {
        if (this.going === going) this.going = null;
      });
    this.going = going;
    return going;
  }

  /** How a run ended: what it threw (if it threw), and what it asked for with `stop()`/`rerun()`. */
  private settle(run: Run, thrown: { error: unknown } | undefined): "done" | "error" | "interrupted" {
    if (run.cancelled || thrown?.error instanceof Interrupted) return "interrupted";
    const ending = run.ending;
    if (ending instanceof RerunSignal) queueMicrotask(() => this.request({ fragment: ending.fragment }));
    if (ending || !thrown) return "done";
    this.lastError = describeError(thrown.error);
    return "error";
  }

  private finish(run: Run, outcome: "done" | "error"): void {
    if (this.run !== run) return;
    this.run = null;
    if (outcome === "done") this.lastError = null;
    if (run.fragment) {
      const fragment = this.fragments.get(run.fragment);
      if (fragment) {
        fragment.node.children = outcome === "error" ? mergeStale(fragment.node, run.root).children! : run.root.children!;
        if (outcome === "error") fragment.node.children.splice(run.root.children!.length, 0, errorNode(this.lastError!));
      }
    } else {
      run.root.props = run.pageProps;
      this.tree = outcome === "error" && this.tree ? mergeStale(this.tree, run.root) : run.root;
      if (outcome === "error") insertError(this.tree, run.scope.node.children!.length, this.lastError!);
      if (outcome === "done") this.forgetUnrendered(run);
      this.syncFragments(run);
    }
    this.clearForms(run);
    if (outcome === "done") this.releaseData(run);
    this.flush(true);
    if (this.runningTimer) clearTimeout(this.runningTimer);
    this.runningTimer = null;
    this.host.send({ t: "status", status: outcome === "error" ? "error" : "idle", ms: Math.round((performance.now() - run.started) * 100) / 100 });
    if (outcome === "done") this.host.snapshot?.(this.snapshot());
    for (const watcher of this.services.watchers) watcher.runFinished?.(run, "ran");
  }

  private forgetUnrendered(run: Run): void {
    for (const id of [...this.records.keys()]) {
      if (!run.widgetIds.has(id)) {
        const record = this.records.get(id)!;
        if (record.fragment && !run.fragmentsSeen.has(record.fragment)) continue;
        this.records.delete(id);
        // Its mirror in `state` goes too (else the next render would take it for an assignment);
        // a value the author assigned to that key, different from the widget's, stays.
        const key = record.spec.key;
        if (key !== undefined && Object.is(this.state[key], this.widgets.get(id))) delete this.state[key];
        this.widgets.delete(id);
      }
    }
  }

  /** Forms submitted with `clearOnSubmit`: the run saw the values; the page goes back to defaults. */
  private clearForms(run: Run): void {
    for (const form of run.clearedForms) {
      for (const [id, record] of this.records) {
        if (record.form !== form) continue;
        const initial = record.spec.initial;
        this.widgets.set(id, initial);
        if (record.spec.key !== undefined) this.state[record.spec.key] = initial;
        setWidgetValue(this.tree, id, record.spec.toWire(initial));
      }
    }
  }

  snapshot(): Snapshot {
    return { widgets: [...this.widgets], state: this.state, query: this.query, page: this.page };
  }

  // ---- shared runs (shared-runs.ts) -----------------------------------------------------

  /**
   * Nothing but its snapshot decides this session's next plain rerun: no run going or asked for,
   * no input waiting (callbacks, browser values, URL, uploads), no fragments, forms or widget
   * callbacks (their functions and nodes are its own), and its last run ended well.
   */
  idle(): boolean {
    if (this.closed || this.run || this.going || this.pending || this.pendingTimer || this.callbacks.length) return false;
    if (this.lastError || this.runs === 0 || this.fragments.size || this.uploads.size || this.unreadQuery.size) return false;
    for (const _ in this.wireWidgets) return false;
    for (const record of this.records.values()) if (record.spec.kind === "form" || record.spec.onChange) return false;
    return true;
  }

  /** Start a plain rerun at once (the session is `idle()`); resolves with it once it is over. */
  rerunNow(): Promise<Run> {
    const going = this.start({});
    const run = this.run!;
    return going.then(() => run);
  }

  /**
   * End as if this session had made `run` itself: `from` made it with exactly this session's
   * inputs. `restored` is this session's own copy of `from`'s snapshot after it; `shared` holds
   * what is computed once for all the sessions taking the same run (pages, patches, texts), and
   * sends their patch and status (the host hears of the run's end from shared-runs.ts).
   */
  adopt(from: Session, run: Run, restored: Snapshot, shared: SharedOutcome): void {
    this.widgets.clear();
    for (const [id, value] of restored.widgets) this.widgets.set(id, value);
    this.state = restored.state;
    this.query = restored.query;
    this.page = restored.page;
    this.records = new Map(from.records);
    for (const hash of run.data) {
      const bytes = from.data.get(hash);
      if (bytes) this.addData(hash, bytes, from.deferred.has(hash));
    }
    this.runs++;
    this.lastError = null;
    this.tree = from.tree;
    this.releaseData(run);
    if (this.connected) {
      this.sendData();
      const page = shared.page(this.ids, this.tree!);
      const patch = shared.patch(this.sent, page);
      const release = this.toRelease.splice(0);
      if (patch || release.length) {
        const message: ServerMessage = { t: "patch", base: this.version, version: this.version + 1, patch: patch ?? {} };
        if (release.length) message.patch.release = release;
        this.version++;
        this.sent = page;
        if (release.length) this.host.send(message);
        else shared.send(this, message);
      }
      this.sendDeferredSoon();
    }
    shared.send(this, { t: "status", status: "idle", ms: shared.ms });
    // The same run, seen as this session's (the sources it read now have this reader too).
    const seen = Object.create(run, { session: { value: this } }) as Run;
    for (const watcher of this.services.watchers) watcher.runFinished?.(seen, "adopted");
  }

  /** Called by widget functions: resolve the widget's value for this run. */
  renderWidget<T>(run: Run, scope: Scope, spec: WidgetSpec<T>): T {
    const id = widgetId(spec);
    const site = new Error();
    const first = run.widgetIds.get(id);
    if (first) {
      const what = spec.key !== undefined ? `key ${JSON.stringify(spec.key)}` : `label ${JSON.stringify(spec.label)}`;
      throw new Error(
        `Two ${spec.kind} widgets have the same ${what}: at ${callSite(first)} and at ${callSite(site)}. Give one of them a different label or a unique \`key\`.`,
      );
    }
    run.widgetIds.set(id, site);
    let value: T | undefined;
    if (spec.trigger) {
      value = (run.trigger === id) as T;
    } else {
      if (spec.query && this.unreadQuery.delete(spec.query)) {
        this.widgets.delete(id);
        if (spec.key !== undefined) delete this.state[spec.key];
      }
      // What the browser shows comes first: after a move to another replica it may be newer than the snapshot.
      if (id in this.wireWidgets) value = spec.parse(this.wireWidgets[id]!);
      if (value === undefined && spec.key !== undefined && spec.key in this.state && this.state[spec.key] !== this.widgets.get(id)) {
        value = spec.coerce(this.state[spec.key]);
      }
      if (value === undefined && this.widgets.has(id)) value = spec.coerce(this.widgets.get(id));
      if (value === undefined && spec.query && this.query[spec.query] !== undefined) {
        value = spec.fromQuery?.(this.query[spec.query]!);
        if (value === undefined)
          this.warn(`The URL's ${spec.query}=${JSON.stringify(this.query[spec.query])} is not a valid value for "${spec.label}"; using the default.`);
      }
      value ??= spec.initial;
      this.widgets.set(id, value);
      if (spec.key !== undefined) this.state[spec.key] = value;
      if (spec.query) {
        const text = spec.toQuery?.(value) ?? String(value);
        if (this.query[spec.query] !== text) this.setQuery(spec.query, text);
      }
    }
    delete this.wireWidgets[id];
    this.records.set(id, { spec: spec as WidgetSpec<unknown>, form: scope.options.form, fragment: scope.options.fragment ?? run.fragment });
    const props: Props = { ...spec.props, ...spec.propsFor?.(value), id, kind: spec.kind, label: spec.label, value: spec.toWire(value) };
    if (scope.options.form) props.form = scope.options.form;
    scope.add(spec.kind, props, `w:${id}`);
    return value;
  }

  /** Register a form as a trigger (its submit button behaves like a button). */
  registerForm(run: Run, scope: Scope, id: string, label: string, onSubmit?: () => void): boolean {
    run.widgetIds.set(id, new Error());
    const spec: WidgetSpec<boolean> = {
      kind: "form",
      label,
      props: {},
      initial: false,
      trigger: true,
      parse: () => undefined,
      coerce: () => false,
      toWire: () => false,
      onChange: onSubmit,
    };
    this.records.set(id, { spec: spec as WidgetSpec<unknown>, fragment: scope.options.fragment ?? run.fragment });
    return run.trigger === id;
  }

  setQuery(name: string, value: string | undefined): void {
    if (value === undefined) delete this.query[name];
    else this.query[name] = value;
    this.host.send({ t: "query", query: { ...this.query } });
  }

  /** `dash.fragment(fn)`: draw fn here now, and later rerun it alone. */
  fragment(run: Run, scope: Scope, fn: () => unknown, every: number | undefined): unknown {
    const key = run.nextFragmentKey();
    const inner = scope.child("fragment", {}, { fragment: key }, key);
    run.fragmentsSeen.add(key);
    const existing = this.fragments.get(key);
    if (existing?.timer && existing.every !== every) clearInterval(existing.timer);
    this.fragments.set(key, { fn, node: inner.node, every, timer: existing && existing.every === every ? existing.timer : undefined });
    return current.run({ run, scope: inner }, fn);
  }

  private syncFragments(run: Run): void {
    for (const [key, fragment] of this.fragments) {
      if (!run.fragmentsSeen.has(key)) {
        if (fragment.timer) clearInterval(fragment.timer);
        this.fragments.delete(key);
      } else if (fragment.every && !fragment.timer) {
        fragment.timer = setInterval(() => {
          if (!this.hidden && !this.run) this.request({ fragment: key });
        }, fragment.every);
        fragment.timer.unref?.();
      }
    }
  }

  // ---- output ---------------------------------------------------------------------------

  /** Register a blob; a `deferred` one travels after the patch that references it (big tables
   * first show a small head that arrives with the patch, then fill in). */
  addData(hash: string, bytes: Uint8Array, deferred = false): void {
    this.data.set(hash, bytes);
    if (deferred) this.deferred.add(hash);
    else this.deferred.delete(hash);
  }

  scheduleFlush(): void {
    if (this.flushTimer || !this.run) return;
    this.flushTimer = setImmediate(() => {
      this.flushTimer = null;
      if (this.run) this.flush(false);
    });
  }

  /** The page now: the finished tree, or the running run's output over the previous page. */
  compose(): Node {
    const run = this.run;
    if (!run) return this.tree ?? emptyPage();
    if (!run.fragment) return this.tree ? mergeStale(this.tree, run.root) : run.root;
    const fragment = this.fragments.get(run.fragment);
    if (fragment && this.tree) {
      const kept = fragment.node.children;
      fragment.node.children = mergeStale(fragment.node, run.root).children;
      const tree = cloneShallow(this.tree);
      fragment.node.children = kept;
      return tree;
    }
    return this.tree ?? emptyPage();
  }

  /** Send what changed since the browser's last version. */
  flush(final: boolean): void {
    if (this.flushTimer) {
      clearImmediate(this.flushTimer);
      this.flushTimer = null;
    }
    // Nothing to send while the browser is away: `attach` diffs from what it last received.
    if (!this.connected) return;
    const tree = this.compose();
    if (this.run && !this.run.fragment) tree.props = { ...this.run.pageProps };
    else if (this.tree) tree.props = this.tree.props;
    const page = flatten(tree, this.ids);
    this.sendData();
    const patch = diff(this.sent, page);
    const release = final ? this.toRelease.splice(0) : [];
    if (!patch && !release.length) return this.sendDeferredSoon();
    const message: ServerMessage = { t: "patch", base: this.version, version: this.version + 1, patch: patch ?? {} };
    if (release.length) message.patch.release = release;
    this.version++;
    this.sent = page;
    this.host.send(message);
    this.sendDeferredSoon();
  }

  /**
   * Deferred blobs (a big table's full rows) go out in a later turn, so that the patch and the
   * first rows before them are on their way first (a worker posts what one turn sends together).
   */
  private sendDeferredSoon(): void {
    if (this.deferredTimer) return;
    this.deferredTimer = setImmediate(() => {
      this.deferredTimer = null;
      if (this.connected) this.sendData(true);
    });
  }

  /** Send the blobs the browser does not have yet, several to a frame (up to ~1 MB, 40 blobs). */
  private sendData(deferred = false): void {
    let frame: [string, Uint8Array][] = [];
    let size = 0;
    const send = (): void => {
      if (frame.length) this.host.sendBinary(encodeData(frame));
      frame = [];
      size = 0;
    };
    for (const [hash, bytes] of this.data) {
      if (this.dataSent.has(hash) || this.deferred.has(hash) !== deferred) continue;
      if (frame.length && (frame.length >= 40 || size + bytes.length > 1 << 20)) send();
      frame.push([hash, bytes]);
      size += bytes.length;
      this.dataSent.add(hash);
    }
    send();
  }

  /**
   * After a run that finished: forget the blobs the page no longer shows. A full run's blobs are
   * the page's; a fragment's own run replaces only that fragment's. The browser keeps the last
   * ones it was sent (up to `keepAtMost`), so flipping between two states sends nothing again,
   * while a live chart redrawn every few seconds does not pile up data there.
   */
  private releaseData(run: Run): void {
    const live = new Set(run.data);
    if (run.fragment) {
      for (const hash of this.pageData) live.add(hash);
      for (const [key, hashes] of this.fragmentData) if (key !== run.fragment) for (const hash of hashes) live.add(hash);
      this.fragmentData.set(run.fragment, run.data);
    } else {
      this.pageData = run.outside;
      this.fragmentData = new Map(run.inside);
    }
    for (const hash of live) this.unkeep(hash);
    for (const [hash, bytes] of [...this.data]) {
      if (live.has(hash)) continue;
      this.data.delete(hash);
      this.deferred.delete(hash);
      if (!this.dataSent.has(hash)) continue;
      this.kept.set(hash, bytes.length);
      this.keptBytes += bytes.length;
    }
    // The browser keeps the most recent ones, within bounds; it is told to drop the rest.
    for (const hash of this.kept.keys()) {
      if (this.kept.size <= keepAtMost.blobs && this.keptBytes <= keepAtMost.bytes) break;
      this.unkeep(hash);
      this.dataSent.delete(hash);
      this.toRelease.push(hash);
    }
  }

  private unkeep(hash: string): void {
    const bytes = this.kept.get(hash);
    if (bytes === undefined) return;
    this.kept.delete(hash);
    this.keptBytes -= bytes;
  }

  /** The browser starts over (it gets the whole page and its data again). */
  private forgetSent(): void {
    this.dataSent.clear();
    this.kept.clear();
    this.keptBytes = 0;
  }

  /** Send the whole page (first connect, reconnect out of sync, or `resync`). */
  sendFull(): void {
    const tree = this.compose();
    const page = flatten(tree, this.ids);
    this.forgetSent();
    this.sendData();
    this.version++;
    this.sent = page;
    this.host.send({ t: "full", version: this.version, root: 0, nodes: Object.fromEntries(page) });
    this.sendData(true);
  }

  /** The browser (re)connected. `version` is what it holds, if it is resuming. */
  attach(version: number | undefined): void {
    this.connected = true;
    if (version === undefined || version !== this.version) {
      this.sendFull();
    } else {
      this.flush(!this.run);
    }
    if (Object.keys(this.query).length) this.host.send({ t: "query", query: { ...this.query } });
  }

  /** A browser back on this session (a reconnect, a reload): what it missed, and whether a run is going.
   * A page loaded at another URL brings its query, which wins over the one the session had. */
  resume(version: number | undefined, query?: Record<string, string>): void {
    const moved = query !== undefined && this.adoptQuery(query);
    this.attach(version);
    if (moved) this.request({});
    else this.host.send({ t: "status", status: this.run ? "running" : this.lastError ? "error" : "idle" });
  }

  /** Take the URL's query: widgets bound to a name that changed forget their values and read it. */
  private adoptQuery(query: Record<string, string>): boolean {
    const changed = changedNames(this.query, query);
    if (changed.size === 0) return false;
    for (const [id, record] of this.records) {
      if (!record.spec.query || !changed.has(record.spec.query)) continue;
      this.widgets.delete(id);
      if (record.spec.key !== undefined) delete this.state[record.spec.key];
    }
    this.query = { ...query };
    return true;
  }

  detach(): void {
    this.connected = false;
    this.uploads.clear(); // the rest of an unfinished upload will not come on another connection
  }

  dispose(): void {
    if (!this.closed) for (const watcher of this.services.watchers) watcher.closed?.(this);
    this.closed = true;
    this.run?.cancel();
    this.run = null;
    if (this.pendingTimer) clearImmediate(this.pendingTimer);
    if (this.flushTimer) clearImmediate(this.flushTimer);
    if (this.deferredTimer) clearImmediate(this.deferredTimer);
    if (this.runningTimer) clearTimeout(this.runningTimer);
    for (const fragment of this.fragments.values()) if (fragment.timer) clearInterval(fragment.timer);
    this.fragments.clear();
  }
}

/** The names whose values differ between two queries. */
function changedNames(before: Record<string, string>, after: Record<string, string>): Set<string> {
  const names = new Set([...Object.keys(after), ...Object.keys(before)]);
  return new Set([...names].filter((name) => after[name] !== before[name]));
}

function setWidgetValue(node: Node | null, id: string, value: Json): void {
  if (!node) return;
  if (node.props.id === id && node.key === `w:${id}`) node.props = { ...node.props, value };
  for (const child of node.children ?? []) setWidgetValue(child, id, value);
}

function errorNode(info: ErrorInfo): Node {
  return { type: "exception", key: "exception", props: { ...info } as Props };
}

/** Show a run's error in the main area where the run stopped, before the stale rest. */
function insertError(tree: Node, at: number, info: ErrorInfo): void {
  const main = tree.children?.find((child) => child.key === "main");
  main?.children?.splice(at, 0, errorNode(info));
}

function emptyPage(): Node {
  return {
    type: "page",
    key: "page",
    props: {},
    children: [
      { type: "sidebar", key: "sidebar", props: {}, children: [] },
      { type: "main", key: "main", props: {}, children: [] },
    ],
  };
}

function cloneShallow(node: Node): Node {
  return node.children ? { ...node, children: node.children.map(cloneShallow) } : node;
}

/**
 * The running output laid over the previous page: each container shows what the run produced so
 * far, then the previous run's children that come after the last one the run has reached, marked
 * stale (they stay visible until the run reaches or drops them).
 */
export function mergeStale(previous: Node, running: Node): Node {
  if (!running.children || !previous.children) return running;
  const produced = running.children;
  const byKey = new Map<string, Node>();
  for (const child of previous.children) byKey.set(child.key, child);
  const children: Node[] = produced.map((child) => {
    const before = byKey.get(child.key);
    return before && before.type === child.type && child.children ? mergeStale(before, child) : child;
  });
  const seen = new Set(produced.map((child) => child.key));
  // The run has reached the last previous child it produced again; what follows is not reached yet.
  let reached = -1;
  previous.children.forEach((child, index) => {
    if (seen.has(child.key)) reached = index;
  });
  for (const child of previous.children.slice(reached + 1)) {
    if (!seen.has(child.key)) children.push({ ...child, stale: true });
  }
  return { ...running, children };
}
