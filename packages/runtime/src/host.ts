/**
 * The main thread's side of script execution: which session runs on which script worker, and
 * each session's browser. It opens sessions (new, resumed, or taken over from another replica),
 * passes the browser's inputs to the session's worker and the worker's output to the browser
 * (`deliver.ts`), and keeps a session a while after its viewer left.
 *
 * The workers and their watchdog are `workers.ts`. When the watchdog replaces a worker, the host
 * reopens its sessions on the fresh one from their last snapshots (widget values, `state`,
 * query), with the inputs the old one never acted on (`replay.ts`). The runaway session is told
 * why; the others rerun and carry on. Sessions on the other workers never notice.
 *
 * The snapshots live in a `SnapshotStore` (`cluster/snapshots.ts`): with Redis, a browser that
 * reconnects to another replica resumes its session there from the same snapshot.
 */
import { randomBytes } from "node:crypto";
import { metrics } from "./metrics.ts";
import { sameUser, type User } from "./auth/common.ts";
import type { ClientMessage, ServerMessage } from "./protocol.ts";
import { LocalSnapshots, type SnapshotStore } from "./cluster/snapshots.ts";
import { userKey } from "./cluster/snapshot.ts";
import type { FromWorker, Hello, RequestHandlers, SourcePush, ToWorker } from "./thread.ts";
import { InputLog } from "./replay.ts";
import { deliver, type Client } from "./deliver.ts";
import { helloMessage, type PageSpec, type Pages } from "./hello.ts";
import { stoppedError, WorkerPool, type Stop, type WorkerHandle } from "./workers.ts";

export type { Client } from "./deliver.ts";
export type { PageSpec } from "./hello.ts";

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
  /** A run finished and read these sources (one set for all the sessions of a shared run). */
  onRunFinished?: (sid: string, sources: ReadonlySet<string>) => void;
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

interface SessionRecord {
  sid: string;
  /** The session's number in its worker's heartbeat (the watchdog names the session running by it). */
  slot: number;
  worker: WorkerHandle;
  client: Client | null;
  expiry: ReturnType<typeof setTimeout> | null;
  hidden: boolean;
  /** The signed-in viewer the session belongs to (`null` without `--auth`): only they resume it. */
  user: User | null;
}

export class ScriptHost {
  private readonly pool: WorkerPool;
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly slots = new Map<number, string>();
  private readonly inputs = new InputLog();
  /** Sessions reopened on a fresh worker: inputs to send once their first run there is over. */
  private readonly replays = new Map<string, ClientMessage[]>();
  private nextSlot = 1;
  private pages: Pages | null = null;
  private closed = false;
  readonly snapshots: SnapshotStore;
  private readonly clientOf = (sid: string): Client | null | undefined => this.sessions.get(sid)?.client;

  constructor(private readonly options: HostOptions) {
    this.snapshots = options.snapshots ?? new LocalSnapshots();
    this.snapshots.onTaken((sid) => this.taken(sid));
    this.pool = new WorkerPool(options, {
      message: (handle, message) => this.fromWorker(handle, message),
      replaced: (old, fresh, stop) => this.reopen(old, fresh, stop),
      loadFailed: (error) => this.broadcast({ t: "buildError", error }),
    });
  }

  /** Script workers running (the first starts at once, the others a second after it is ready). */
  get workerCount(): number {
    return this.pool.handles.length;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Number of workers killed by the watchdog (for /metrics). */
  get killed(): number {
    return this.pool.killed;
  }

  /** Load (or hot-reload) the app in every worker; resolves with the first load error, if any. */
  load(pages: PageSpec[], defaultPage: string): ReturnType<WorkerPool["load"]> {
    this.pages = { pages, defaultPage };
    return this.pool.load(pages, defaultPage);
  }

  /** `held`: the message is part of a batch (the sockets it writes to hold their writes until the turn ends). */
  private fromWorker(handle: WorkerHandle, message: FromWorker, held = false): void {
    switch (message.t) {
      case "send":
      case "sendMany":
      case "binary":
        return deliver(message, this.clientOf, held);
      case "batch":
        // A run's data frames and patch leave in one socket write.
        for (const item of message.messages) this.fromWorker(handle, item, true);
        return;
      case "adopted": {
        const sources = new Set(message.sources); // the same for every session of the group
        for (const sid of message.sids) {
          this.inputs.covered(sid, message.seq);
          this.runFinished(handle, sid, sources);
        }
        return;
      }
      case "snapshot": {
        const record = this.sessions.get(message.sid);
        if (record) this.snapshots.save(message.sid, message.bytes, userKey(record.user));
        return;
      }
      case "handled":
        this.inputs.covered(message.sid, message.seq);
        return;
      case "runFinished":
        return this.runFinished(handle, message.sid, new Set(message.sources));
      default:
        return this.pool.receive(handle, message);
    }
  }

  /** A run of `sid` (its own, or one it adopted) finished on `handle` and read `sources`. */
  private runFinished(handle: WorkerHandle, sid: string, sources: ReadonlySet<string>): void {
    this.options.onRunFinished?.(sid, sources);
    if (!this.replays.size) return;
    const missed = this.sessions.get(sid)?.worker === handle ? this.replays.get(sid) : undefined;
    if (missed) {
      this.replays.delete(sid);
      for (const input of missed) this.message(sid, input);
    }
  }

  /**
   * Runs the fetcher of `poll()` source `key` in the worker of one of `sids` (its readers, the
   * first reader's worker first): one call for the whole process however many workers read it.
   */
  runPoll(key: string, sids: string[]): Promise<unknown> {
    return this.pool.fetch(
      key,
      sids.map((sid) => this.sessions.get(sid)?.worker),
    );
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
        client.sendText(JSON.stringify(helloMessage(existing.sid, existing.user, true, this.pages, this.options.signOut)));
        this.pool.post(existing.worker, { t: "attach", sid: existing.sid, version: hello.version, query: hello.query });
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
    const worker = this.pool.leastLoaded();
    await worker.ready;
    const record: SessionRecord = { sid, slot: this.nextSlot++, worker, client, expiry: null, hidden: hello.hidden ?? false, user };
    this.sessions.set(sid, record);
    metrics.sessions.inc();
    this.slots.set(record.slot, sid);
    worker.sessions.add(sid);
    this.snapshots.viewer(sid, true);
    client.sendText(JSON.stringify(helloMessage(sid, user, restore !== null, this.pages, this.options.signOut)));
    const open: ToWorker = { t: "open", sid, slot: record.slot, query: hello.query, page: hello.page, widgets: hello.widgets, hidden: record.hidden, user };
    if (restore) {
      this.snapshots.save(sid, restore, userKey(user));
      Object.assign(open, { restore, resume: true });
    }
    this.pool.post(worker, open);
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

  message(sid: string, message: ClientMessage): void {
    const record = this.sessions.get(sid);
    if (!record) return;
    if (message.t === "visibility") {
      record.hidden = message.hidden;
      this.options.onVisibility?.(sid, message.hidden);
    }
    const waiting = this.replays.get(sid);
    if (waiting) return void waiting.push(message); // after the inputs being replayed, in order
    this.pool.post(record.worker, { t: "message", sid, message, seq: this.inputs.note(sid, message) });
  }

  upload(sid: string, file: { id: string; name: string; type: string; bytes: Uint8Array; index: number; count: number }): void {
    const record = this.sessions.get(sid);
    if (!record) return;
    // A file in a buffer of its own moves to the worker as it is; a view into a larger one is copied.
    const bytes = file.bytes.byteOffset === 0 && file.bytes.byteLength === file.bytes.buffer.byteLength ? file.bytes : file.bytes.slice();
    this.pool.post(record.worker, { t: "upload", sid, ...file, bytes }, [bytes.buffer as ArrayBuffer]);
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
    for (const [worker, list] of byWorker) this.pool.post(worker, push === undefined ? { t: "rerun", sids: list } : { t: "rerun", sids: list, push });
  }

  /** The browser went away: keep the session for a while in case it comes back. */
  disconnect(sid: string, client: Client): void {
    const record = this.sessions.get(sid);
    if (!record || record.client !== client) return;
    record.client = null;
    this.snapshots.viewer(sid, false);
    this.pool.post(record.worker, { t: "detach", sid });
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
    this.pool.post(record.worker, { t: "close", sid });
    this.options.onSessionClosed?.(sid);
  }

  /** Send to every connected browser. */
  broadcast(message: ServerMessage): void {
    const text = JSON.stringify(message);
    for (const record of this.sessions.values()) record.client?.sendText(text);
  }

  /** A worker was replaced: its sessions reopen on the fresh one from their snapshots. */
  private reopen(old: WorkerHandle, fresh: WorkerHandle, stop: Stop): void {
    const culprit = stop.culprit === null ? null : (this.slots.get(stop.culprit) ?? null);
    for (const sid of old.sessions) {
      const record = this.sessions.get(sid);
      if (!record) continue;
      record.worker = fresh;
      fresh.sessions.add(sid);
      const quiet = sid === culprit;
      const open: ToWorker = { t: "open", sid, slot: record.slot, quiet, hidden: record.hidden, user: record.user };
      const restore = this.snapshots.get(sid);
      if (restore) open.restore = restore;
      this.pool.post(fresh, open);
      if (!record.client) this.pool.post(fresh, { t: "detach", sid });
      // Inputs the old worker never acted on (sent while it was frozen) are not lost: the
      // culprit's now (it does not run until one comes), the others' after their first run
      // there (then their widgets are known again, and buttons' callbacks run).
      const missed = this.inputs.take(sid, quiet ? stop.handled : 0);
      if (quiet) for (const input of missed) this.message(sid, input);
      else if (missed.length) this.replays.set(sid, [...missed, ...(this.replays.get(sid) ?? [])]);
      if (quiet) {
        const error = stoppedError(stop.why, this.pool.timeout, this.options.workerMemory);
        record.client?.sendText(JSON.stringify({ t: "scriptError", error } satisfies ServerMessage));
        record.client?.sendText(JSON.stringify({ t: "status", status: "error" } satisfies ServerMessage));
      }
    }
  }

  async close(): Promise<void> {
    if (!this.closed) metrics.sessions.dec(this.sessions.size);
    this.closed = true;
    this.snapshots.close();
    for (const record of this.sessions.values()) if (record.expiry) clearTimeout(record.expiry);
    await this.pool.close();
  }
}
