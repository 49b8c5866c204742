/**
 * The main thread's side of script execution: a small pool of worker threads, each hosting many
 * sessions, and a watchdog.
 *
 * Why workers: a script stuck in synchronous code (`while (true) {}`) cannot be interrupted from
 * its own thread. Each worker bumps a shared heartbeat counter every 50 ms and records which
 * session it is running; when the counter stalls longer than the script timeout, the watchdog
 * terminates that worker (milliseconds), starts a fresh one, and reopens its sessions there from
 * their last snapshots (widget values, `state`, query). The runaway session is told why; the
 * others rerun and carry on. Sessions on the other workers never notice.
 *
 * The snapshots live in a `SnapshotStore` (`cluster/snapshots.ts`): with Redis, a browser that
 * reconnects to another replica resumes its session there from the same snapshot.
 */
import { randomBytes } from "node:crypto";
import { Worker } from "node:worker_threads";
import { metrics, recordRun } from "./metrics.ts";
import { sameUser, type User } from "./auth/common.ts";
import type { ClientMessage, ErrorInfo, ServerMessage } from "./protocol.ts";
import { LocalSnapshots, type SnapshotStore } from "./cluster/snapshots.ts";
import type { FromWorker, Hello, RequestHandlers, RequestMessage, SourcePush, ToWorker, WorkerData } from "./thread.ts";
import { InputLog } from "./replay.ts";

/** Heap limit of a script worker (MB) unless --worker-memory says otherwise. */
const defaultWorkerMemory = 2048;

export interface Client {
  /** A text frame (a string, or its UTF-8 bytes when one text goes to many sockets). */
  sendText(text: string | Buffer): void;
  sendBinary(frame: Uint8Array): void;
  /** Close the socket (a session taken over elsewhere; a drain). */
  close?(code: number, reason: string): void;
  /** Hold what is sent until the end of this turn, then write it to the socket at once. */
  hold?(): void;
}

export interface PageSpec {
  name: string;
  file: string;
  title: string;
  /** What the page gives `page({ icon })`, shown beside its title in the navigation. */
  icon?: string;
}

export interface HostOptions {
  /** The worker entry (a JS file that sets the script API and calls `serveWorker`). */
  workerFile: string;
  /** Number of script workers (default 2). */
  workers?: number;
  /** A run that blocks its thread longer than this (ms) is stopped (default 10 s). */
  scriptTimeout?: number;
  /** How long a disconnected session is kept for a reconnect (ms, default 10 min). */
  sessionTtl?: number;
  /** Where session snapshots are kept (default: this process only). */
  snapshots?: SnapshotStore;
  /** Requests from scripts that the main thread answers (connector data), by kind (`thread.ts`). */
  onRequest?: RequestHandlers;
  /** A run finished and read these sources. */
  onRunFinished?: (sid: string, sources: string[]) => void;
  onSessionClosed?: (sid: string) => void;
  /**
   * A session's viewer stopped looking (a background tab, or no browser connected: a session
   * kept for a reconnect) or looks again. Sources read only by such sessions pause.
   */
  onVisibility?: (sid: string, hidden: boolean) => void;
  /** The app's folder (see `WorkerData.appFolder`). */
  appFolder?: string;
  /** `dash serve`: errors name no absolute server path (see `WorkerData.production`). */
  production?: boolean;
  /** Heap limit of each script worker (MB, default 2048); a script that needs more is stopped. */
  workerMemory?: number;
  /** Worker stderr/exit noise for logs. */
  log?: (line: string) => void;
  /** Where the page's "Sign out" goes, when the sign-in mode has one (`--auth`). */
  signOut?: string | null | undefined;
}

interface WorkerHandle {
  worker: Worker;
  beat: Int32Array;
  lastBeat: number;
  lastBeatAt: number;
  sessions: Set<string>;
  ready: Promise<void>;
  dead: boolean;
  /** Callers waiting for this worker's answer to a `load`, in order. */
  loads: ((error: ErrorInfo | null) => void)[];
  /** Poll fetches this worker is running, by id. */
  fetches: Map<number, { resolve(value: unknown): void; reject(error: Error): void }>;
}

interface SessionRecord {
  sid: string;
  slot: number;
  worker: WorkerHandle;
  client: Client | null;
  expiry: ReturnType<typeof setTimeout> | null;
  hidden: boolean;
  /** The signed-in viewer the session belongs to (`null` without `--auth`): only they resume it. */
  user: User | null;
}

/** The main thread's answer to a worker's request (each kind has its handler; see `ThreadRequests`). */
function answer(handlers: RequestHandlers | undefined, message: RequestMessage): Promise<unknown> {
  if (!handlers) return Promise.reject(new Error(`no handler for ${message.what}`));
  // `what` and `args` agree by construction (`RequestMessage`); TypeScript cannot follow the pair through the index.
  const handler = handlers[message.what] as (sid: string, args: RequestMessage["args"]) => Promise<unknown>;
  return handler(message.sid, message.args);
}

/** A worker holds no fetcher for a poll key (none of its sessions reads it any more). */
class MissingFetcher extends Error {}

/** Whom a snapshot belongs to: the signed-in user's stable id and email, "" without sign-in. */
export function userKey(user: User | null): string {
  return user ? `${user.sub}\n${user.email.toLowerCase()}` : "";
}

export class ScriptHost {
  private readonly workers: WorkerHandle[] = [];
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly slots = new Map<number, string>();
  private readonly inputs = new InputLog();
  /** Sessions reopened on a fresh worker: inputs to send once their first run there is over. */
  private readonly replays = new Map<string, ClientMessage[]>();
  private nextSlot = 1;
  private nextFetch = 1;
  private pages: { pages: PageSpec[]; defaultPage: string } | null = null;
  private readonly watchdog: ReturnType<typeof setInterval>;
  private readonly timeout: number;
  private closed = false;
  readonly snapshots: SnapshotStore;
  /** Number of workers killed by the watchdog (for /metrics). */
  killed = 0;

  constructor(private readonly options: HostOptions) {
    this.timeout = options.scriptTimeout ?? 10_000;
    this.snapshots = options.snapshots ?? new LocalSnapshots();
    this.snapshots.onTaken((sid) => this.taken(sid));
    // The first worker starts at once; the others a second after it is ready, so that on 2 cores
    // they do not compete with it (and with the first build and run) for the first paint.
    const first = this.spawn();
    this.workers.push(first);
    void first.ready.then(() => {
      const more = setTimeout(() => {
        for (let i = 1; i < (options.workers ?? 2) && !this.closed; i++) this.workers.push(this.spawn());
      }, 1000);
      more.unref();
    });
    this.watchdog = setInterval(() => this.check(), Math.min(250, this.timeout / 4));
    this.watchdog.unref();
  }

  /** Script workers running (the first starts at once, the others a second after it is ready). */
  get workerCount(): number {
    return this.workers.length;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  private spawn(): WorkerHandle {
    const shared = new SharedArrayBuffer(12);
    const data: WorkerData = { beat: shared, appFolder: this.options.appFolder, production: this.options.production };
    const worker = new Worker(this.options.workerFile, {
      workerData: data,
      stderr: false,
      stdout: false,
      resourceLimits: { maxOldGenerationSizeMb: this.options.workerMemory ?? defaultWorkerMemory },
    });
    metrics.workers.inc();
    worker.once("exit", () => metrics.workers.dec());
    let ready!: () => void;
    const handle: WorkerHandle = {
      worker,
      beat: new Int32Array(shared),
      lastBeat: 0,
      lastBeatAt: Date.now(),
      sessions: new Set(),
      ready: new Promise((resolve) => (ready = resolve)),
      dead: false,
      loads: [],
      fetches: new Map(),
    };
    worker.on("message", (message: FromWorker) => {
      if (message.t === "ready") ready();
      this.fromWorker(handle, message);
    });
    let outOfMemory = false;
    worker.on("error", (error) => {
      outOfMemory ||= (error as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY";
      this.options.log?.(`script worker failed: ${error.stack ?? error.message}`);
    });
    worker.on("exit", () => {
      if (handle.dead || this.closed) return;
      // Out of memory: the session that was running is the one that grew (and is told so).
      const culprit = outOfMemory ? (this.slots.get(Atomics.load(handle.beat, 1)) ?? null) : null;
      if (outOfMemory) metrics.workersKilled.inc();
      this.replace(handle, culprit, outOfMemory ? "memory" : "timeout");
    });
    if (this.pages) {
      handle.loads.push((error) => error && this.broadcast({ t: "buildError", error }));
      this.post(handle, { t: "load", ...this.pages });
    }
    return handle;
  }

  private post(handle: WorkerHandle, message: ToWorker, transfer?: ArrayBuffer[]): void {
    if (!handle.dead) handle.worker.postMessage(message, transfer ?? []);
  }

  /** Load (or hot-reload) the app in every worker; resolves with the first load error, if any. */
  load(pages: PageSpec[], defaultPage: string): Promise<ErrorInfo | null> {
    this.pages = { pages, defaultPage };
    const results = this.workers.map(
      (handle) =>
        new Promise<ErrorInfo | null>((resolve) => {
          handle.loads.push(resolve);
          this.post(handle, { t: "load", pages, defaultPage });
        }),
    );
    return Promise.all(results).then((errors) => errors.find(Boolean) ?? null);
  }

  private fromWorker(handle: WorkerHandle, message: FromWorker): void {
    switch (message.t) {
      case "loaded":
        handle.loads.shift()?.(message.error);
        return;
      case "send":
        this.sessions.get(message.sid)?.client?.sendText(message.text);
        return;
      case "sendMany": {
        const bytes = Buffer.from(message.text); // encoded once for every socket
        for (const sid of message.sids) this.sessions.get(sid)?.client?.sendText(bytes);
        return;
      }
      case "adopted":
        for (const sid of message.sids) {
          this.fromWorker(handle, { t: "handled", sid, seq: message.seq });
          this.fromWorker(handle, { t: "runFinished", sid, sources: message.sources });
        }
        return;
      case "binary":
        this.sessions.get(message.sid)?.client?.sendBinary(message.frame);
        return;
      case "snapshot": {
        const record = this.sessions.get(message.sid);
        if (record) this.snapshots.save(message.sid, message.bytes, userKey(record.user));
        return;
      }
      case "handled":
        this.inputs.covered(message.sid, message.seq);
        return;
      case "runFinished": {
        this.options.onRunFinished?.(message.sid, message.sources);
        const missed = this.sessions.get(message.sid)?.worker === handle ? this.replays.get(message.sid) : undefined;
        if (missed) {
          this.replays.delete(message.sid);
          for (const input of missed) this.message(message.sid, input);
        }
        return;
      }
      case "ran":
        recordRun(message);
        return;
      case "request": {
        answer(this.options.onRequest, message).then(
          (value) => this.post(handle, { t: "reply", id: message.id, value }),
          (error: unknown) => this.post(handle, { t: "reply", id: message.id, error: error instanceof Error ? error.message : String(error) }),
        );
        return;
      }
      case "batch": {
        // A run's data frames and patch leave in one socket write.
        const held = new Set<Client>();
        for (const item of message.messages) {
          for (const sid of "sid" in item ? [item.sid] : item.t === "sendMany" ? item.sids : []) {
            const client = this.sessions.get(sid)?.client;
            if (client && !held.has(client)) {
              held.add(client);
              client.hold?.();
            }
          }
          this.fromWorker(handle, item);
        }
        return;
      }
      case "log":
        this.options.log?.(message.line);
        return;
      case "fetched": {
        const fetch = handle.fetches.get(message.id);
        handle.fetches.delete(message.id);
        if (!fetch) return;
        if (message.error === undefined) fetch.resolve(message.value);
        else fetch.reject(message.missing ? new MissingFetcher(message.error) : new Error(message.error));
        return;
      }
      case "ready":
        return;
    }
  }

  /**
   * Runs the fetcher of `poll()` source `key` in the worker of one of `sids` (its readers, the
   * first reader's worker first): one call for the whole process however many workers read it.
   */
  async runPoll(key: string, sids: string[]): Promise<unknown> {
    const tried = new Set<WorkerHandle>();
    for (const sid of sids) {
      const handle = this.sessions.get(sid)?.worker;
      if (!handle || handle.dead || tried.has(handle)) continue;
      tried.add(handle);
      try {
        return await new Promise((resolve, reject) => {
          const id = this.nextFetch++;
          handle.fetches.set(id, { resolve, reject });
          this.post(handle, { t: "fetch", id, key });
        });
      } catch (error) {
        if (!(error instanceof MissingFetcher)) throw error;
      }
    }
    throw new Error("no script worker holds this poll's fetcher (no session reads it)");
  }

  /**
   * A browser said hello: resume its session if we still have it (and it is this viewer's), or
   * take it over from another replica (with Redis), else start one. Another user's session id
   * starts a new session, with nothing of the other's (the snapshot store checks `userKey`).
   */
  async connect(client: Client, hello: Hello, user: User | null = null): Promise<string> {
    const wanted = hello.session;
    const existing = wanted ? this.sessions.get(wanted) : undefined;
    if (existing && !existing.client && sameUser(existing.user, user)) {
      // Another replica may have taken it over while its viewer was away: then ours is stale.
      if (!(await this.snapshots.owns(existing.sid))) this.taken(existing.sid);
      else if (!existing.client && this.sessions.get(existing.sid) === existing) {
        if (existing.expiry) clearTimeout(existing.expiry);
        existing.expiry = null;
        existing.client = client;
        existing.hidden = hello.hidden ?? false;
        if (!existing.hidden) this.options.onVisibility?.(existing.sid, false);
        this.snapshots.viewer(existing.sid, true);
        client.sendText(JSON.stringify(this.helloMessage(existing, true)));
        this.post(existing.worker, { t: "attach", sid: existing.sid, version: hello.version, query: hello.query });
        return existing.sid;
      }
    }
    if (wanted && !this.sessions.has(wanted)) {
      const restore = await this.snapshots.claim(wanted, userKey(user));
      if (restore && !this.sessions.has(wanted)) return this.open(client, hello, user, wanted, restore);
    }
    return this.open(client, hello, user, randomBytes(12).toString("base64url"), null);
  }

  private async open(client: Client, hello: Hello, user: User | null, sid: string, restore: Uint8Array | null): Promise<string> {
    const worker = this.leastLoaded();
    await worker.ready;
    const record: SessionRecord = { sid, slot: this.nextSlot++, worker, client, expiry: null, hidden: hello.hidden ?? false, user };
    this.sessions.set(sid, record);
    metrics.sessions.inc();
    this.slots.set(record.slot, sid);
    worker.sessions.add(sid);
    this.snapshots.viewer(sid, true);
    client.sendText(JSON.stringify(this.helloMessage(record, restore !== null)));
    const open: ToWorker = { t: "open", sid, slot: record.slot, query: hello.query, page: hello.page, widgets: hello.widgets, hidden: record.hidden, user };
    if (restore) {
      this.snapshots.save(sid, restore, userKey(user));
      Object.assign(open, { restore, resume: true });
    }
    this.post(worker, open);
    return sid;
  }

  /** Another replica took this session over: close our copy (and a socket still on it). */
  private taken(sid: string): void {
    const record = this.sessions.get(sid);
    if (!record) return;
    const client = record.client;
    this.closeSession(sid);
    client?.close?.(4001, "session moved to another server");
  }

  private helloMessage({ sid, user }: SessionRecord, resumed: boolean): ServerMessage {
    const pages = this.pages?.pages ?? [];
    const signOut = this.options.signOut;
    return {
      t: "hello",
      session: sid,
      resumed,
      ...(user ? { account: { name: user.name, email: user.email, ...(signOut ? { signOut } : {}) } } : {}),
      pages:
        pages.length > 1
          ? pages.map((p) => ({
              name: p.name,
              title: p.title,
              ...(p.icon ? { icon: p.icon } : {}),
              path: p.name === this.pages?.defaultPage ? "/" : `/${p.name}`,
            }))
          : [],
      ...(this.pages ? { page: this.pages.defaultPage } : {}),
    };
  }

  private leastLoaded(): WorkerHandle {
    return this.workers.reduce((best, handle) => (handle.sessions.size < best.sessions.size ? handle : best));
  }

  message(sid: string, message: ClientMessage): void {
    const record = this.sessions.get(sid);
    if (!record) return;
    if (message.t === "visibility") {
      record.hidden = message.hidden;
      this.options.onVisibility?.(sid, message.hidden);
    }
    const waiting = this.replays.get(sid);
    if (waiting) return void waiting.push(message); // after the inputs being replayed, in order
    this.post(record.worker, { t: "message", sid, message, seq: this.inputs.note(sid, message) });
  }

  upload(sid: string, file: { id: string; name: string; type: string; bytes: Uint8Array; index: number; count: number }): void {
    const record = this.sessions.get(sid);
    if (!record) return;
    // A file in a buffer of its own moves to the worker as it is; a view into a larger one is copied.
    const bytes = file.bytes.byteOffset === 0 && file.bytes.byteLength === file.bytes.buffer.byteLength ? file.bytes : file.bytes.slice();
    this.post(record.worker, { t: "upload", sid, ...file, bytes }, [bytes.buffer as ArrayBuffer]);
  }

  /**
   * Rerun these sessions (their data changed): one message per worker. `push` (the changed
   * source's new state) reaches each such worker first, so the reruns read it without asking.
   */
  rerun(sids: Iterable<string>, push?: SourcePush): void {
    const byWorker = new Map<WorkerHandle, string[]>();
    for (const sid of sids) {
      const record = this.sessions.get(sid);
      if (!record) continue;
      const list = byWorker.get(record.worker);
      if (list) list.push(sid);
      else byWorker.set(record.worker, [sid]);
    }
    for (const [worker, list] of byWorker) this.post(worker, push === undefined ? { t: "rerun", sids: list } : { t: "rerun", sids: list, push });
  }

  /** The browser went away: keep the session for a while in case it comes back. */
  disconnect(sid: string, client: Client): void {
    const record = this.sessions.get(sid);
    if (!record || record.client !== client) return;
    record.client = null;
    this.snapshots.viewer(sid, false);
    this.post(record.worker, { t: "detach", sid });
    this.options.onVisibility?.(sid, true); // nobody sees it: its sources need not poll for it
    record.expiry = setTimeout(() => this.closeSession(sid), this.options.sessionTtl ?? 10 * 60_000);
    record.expiry.unref();
  }

  /** Is this session still kept (connected, or waiting for a reconnect)? */
  has(sid: string): boolean {
    return this.sessions.has(sid);
  }

  /** End a session now, not after its time to reconnect (the edge makes room for a new one). */
  end(sid: string): void {
    const expiry = this.sessions.get(sid)?.expiry;
    if (expiry) clearTimeout(expiry);
    this.closeSession(sid);
  }

  private closeSession(sid: string): void {
    const record = this.sessions.get(sid);
    if (!record) return;
    this.sessions.delete(sid);
    this.snapshots.forget(sid);
    this.inputs.forget(sid);
    this.replays.delete(sid);
    metrics.sessions.dec();
    this.slots.delete(record.slot);
    record.worker.sessions.delete(sid);
    this.post(record.worker, { t: "close", sid });
    this.options.onSessionClosed?.(sid);
  }

  /** Send to every connected browser. */
  broadcast(message: ServerMessage): void {
    const text = JSON.stringify(message);
    for (const record of this.sessions.values()) record.client?.sendText(text);
  }

  private check(): void {
    const now = Date.now();
    for (const handle of this.workers) {
      const beat = Atomics.load(handle.beat, 0);
      if (beat !== handle.lastBeat) {
        handle.lastBeat = beat;
        handle.lastBeatAt = now;
      } else if (now - handle.lastBeatAt > this.timeout) {
        const culprit = this.slots.get(Atomics.load(handle.beat, 1)) ?? null;
        this.killed++;
        metrics.workersKilled.inc();
        this.replace(handle, culprit);
      }
    }
  }

  /** Terminate a worker and reopen its sessions on a fresh one. */
  private replace(handle: WorkerHandle, culprit: string | null, why: "timeout" | "memory" = "timeout"): void {
    if (handle.dead) return;
    handle.dead = true;
    // The last message the worker handled: the culprit's inputs up to it brought the worker down.
    const handled = Atomics.load(handle.beat, 2);
    void handle.worker.terminate();
    for (const waiter of handle.loads.splice(0)) waiter(null); // the fresh worker loads the app itself
    for (const fetch of handle.fetches.values()) fetch.reject(new Error("the script worker running this fetch was stopped"));
    handle.fetches.clear();
    const fresh = this.spawn();
    this.workers[this.workers.indexOf(handle)] = fresh;
    const seconds = Math.round(this.timeout / 100) / 10;
    void fresh.ready.then(() => {
      for (const sid of handle.sessions) {
        const record = this.sessions.get(sid);
        if (!record) continue;
        record.worker = fresh;
        fresh.sessions.add(sid);
        const quiet = sid === culprit;
        const open: ToWorker = { t: "open", sid, slot: record.slot, quiet, hidden: record.hidden, user: record.user };
        const restore = this.snapshots.get(sid);
        if (restore) open.restore = restore;
        this.post(fresh, open);
        if (!record.client) this.post(fresh, { t: "detach", sid });
        // Inputs the old worker never acted on (sent while it was frozen) are not lost: the
        // culprit's now (it does not run until one comes), the others' after their first run
        // there (then their widgets are known again, and buttons' callbacks run).
        const missed = this.inputs.take(sid, quiet ? handled : 0);
        if (quiet) for (const input of missed) this.message(sid, input);
        else if (missed.length) this.replays.set(sid, [...missed, ...(this.replays.get(sid) ?? [])]);
        if (quiet) {
          const error: ErrorInfo =
            why === "memory"
              ? {
                  name: "OutOfMemory",
                  message: `The script used more than the ${this.options.workerMemory ?? defaultWorkerMemory} MB of memory a script may use and was stopped (the limit is set with --worker-memory). The page shows its last good output; change an input to run it again.`,
                }
              : {
                  name: "ScriptTimeout",
                  message: `The script ran longer than ${seconds} s without yielding and was stopped. The page shows its last good output; change an input to run it again.`,
                };
          record.client?.sendText(JSON.stringify({ t: "scriptError", error } satisfies ServerMessage));
          record.client?.sendText(JSON.stringify({ t: "status", status: "error" } satisfies ServerMessage));
        }
      }
    });
  }

  async close(): Promise<void> {
    if (!this.closed) metrics.sessions.dec(this.sessions.size);
    this.closed = true;
    clearInterval(this.watchdog);
    this.snapshots.close();
    for (const record of this.sessions.values()) if (record.expiry) clearTimeout(record.expiry);
    await Promise.all(
      this.workers.map((handle) => {
        handle.dead = true;
        for (const fetch of handle.fetches.values()) fetch.reject(new Error("the server is closing"));
        return handle.worker.terminate();
      }),
    );
  }
}
