/**
 * The inside of a script worker: hosts many sessions, runs their scripts, and talks to the main
 * thread. The main thread owns sockets, builds and the watchdog; if this thread ever stops
 * answering (a script stuck in `while (true) {}`), the main thread terminates it and restores the
 * sessions it held elsewhere.
 */
import { parentPort, workerData } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import type { ServerMessage } from "./protocol.ts";
import type { Ask, FromWorker, ToWorker, WorkerData } from "./thread.ts";
import { Session, type App, type Script } from "./session.ts";
import type { Services, SessionWatcher, WorkerExtension } from "./services.ts";
import { describeError } from "./errors.ts";
import { RunSharing } from "./shared-runs.ts";
import { WorkerSnapshots, type Snapshot } from "./cluster/snapshot.ts";
import { cacheCounts } from "./cache.ts";
import type { RunReport } from "./metrics.ts";
import { current } from "./scope.ts";
import { pollOrigin } from "./sources/poll.ts";

/**
 * Start serving the main thread. Called by the worker entry after it set `globalThis.__dashApi`,
 * with what live data adds to this thread (made from the function that asks the main thread).
 */
export function serveWorker(extend: (request: Ask) => WorkerExtension = () => ({})): void {
  const port = parentPort;
  if (!port) throw new Error("serveWorker() must run in a worker thread");
  process.setSourceMapsEnabled(true);
  const beat = new Int32Array((workerData as WorkerData).beat);
  setInterval(() => Atomics.add(beat, 0, 1), 50).unref();

  const sessions = new Map<string, Session>();
  /** Each session's last snapshot: only a changed one is posted (cluster/snapshot.ts). */
  const snapshots = new WorkerSnapshots({
    changed: (sid, bytes) => post({ t: "snapshot", sid, bytes }),
    warn: (sid, message) => post({ t: "send", sid, text: JSON.stringify({ t: "warning", message }), kind: "warning" }),
  });
  /** Sessions taken over from another replica, waiting for their first run before the page is sent. */
  const resuming = new Set<string>();
  const slots = new WeakMap<Session, number>();

  let app: App | null = null;
  /** Sessions with equal inputs share one rerun when their data changes (shared-runs.ts). */
  const sharing = new RunSharing({
    snapshotOf: (session) => snapshots.whole(session.id),
    adopted(adopted, run, bytes) {
      const sids: string[] = [];
      const resumed: Session[] = [];
      for (const session of adopted) {
        sids.push(session.id);
        if (resuming.delete(session.id)) resumed.push(session);
        snapshots.keep(session.id, bytes);
      }
      post({ t: "adopted", sids, sources: [...run.sources], seq: Atomics.load(beat, 2) });
      for (const session of resumed) session.resume(undefined); // their page, whole, now that it has run
    },
    sendMany(adopted, text, kind) {
      post({ t: "sendMany", sids: adopted.map((session) => session.id), text, kind });
    },
    flush: () => flushPosts(),
  });
  // What the worker posts in one turn goes as one message: the main thread then forwards a run's
  // data frames and its patch together, even when it is busy.
  let batch: { messages: FromWorker[]; transfer: ArrayBuffer[] } | null = null;
  const flushPosts = (): void => {
    if (!batch) return;
    const { messages, transfer } = batch;
    batch = null;
    port.postMessage(messages.length === 1 ? messages[0] : { t: "batch", messages }, transfer);
  };
  const post = (message: FromWorker, transfer?: ArrayBuffer[]): void => {
    if (!batch) {
      batch = { messages: [], transfer: [] };
      queueMicrotask(flushPosts);
    }
    batch.messages.push(message);
    if (transfer) batch.transfer.push(...transfer);
  };

  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextRequest = 1;
  /** Ask the main thread for something (connector data); connectors reach it through `Services.request`. */
  const request: Ask = (sid, what, args) =>
    new Promise((resolve, reject) => {
      const id = nextRequest++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      post({ t: "request", id, sid, what, args } as FromWorker);
    });
  const live = extend(request);
  /** This thread's part in each session's life: after a full run, the sources it read go to the main thread. */
  const watcher: SessionWatcher = {
    runFinished(session, run, how): void {
      if (how === "adopted") return; // reported with its group (`adopted`)
      const sid = session.id;
      if (resuming.delete(sid)) sessions.get(sid)?.resume(undefined);
      if (run.fragment) return; // a fragment's run reads only part of what the script reads
      post({ t: "runFinished", sid, sources: [...run.sources] });
    },
  };
  const services: Services = {
    enter: (session) => Atomics.store(beat, 1, slots.get(session) ?? 0),
    request,
    watchers: live.watcher ? [watcher, live.watcher] : [watcher],
    cache: live.cache,
  };

  const hostFor = (sid: string) => ({
    send(message: ServerMessage): void {
      sharing.sent(sid, message.t);
      post({ t: "send", sid, text: JSON.stringify(message), kind: message.t });
    },
    sendBinary(frame: Uint8Array): void {
      const copy = frame.byteOffset === 0 && frame.byteLength === frame.buffer.byteLength ? frame : frame.slice();
      post({ t: "binary", sid, frame: copy }, [copy.buffer as ArrayBuffer]);
    },
    snapshot(snapshot: Snapshot): void {
      // The inputs handled so far are in the snapshot kept (changed or not): no replay needed.
      if (snapshots.take(sid, snapshot)) post({ t: "handled", sid, seq: Atomics.load(beat, 2) });
    },
    runEnded(outcome: RunReport["outcome"], seconds: number): void {
      post({ t: "ran", outcome, seconds, cacheHits: cacheCounts.hits, cacheMisses: cacheCounts.misses });
      cacheCounts.hits = cacheCounts.misses = 0;
    },
  });

  async function load(message: Extract<ToWorker, { t: "load" }>): Promise<void> {
    try {
      const pages = new Map<string, Script>();
      for (const page of message.pages) {
        const module = (await import(pathToFileURL(page.file).href)) as { default: () => unknown };
        pages.set(page.name, { main: module.default, file: page.file, title: page.title });
      }
      app = { pages, defaultPage: message.defaultPage };
      for (const session of sessions.values()) {
        session.app = app;
        session.scheduler.request({});
      }
      for (const waiting of early.splice(0)) void handle(waiting);
      post({ t: "loaded", error: null });
    } catch (error) {
      post({ t: "loaded", error: describeError(error) });
    }
  }

  // Messages are handled in order; a load (an async import) holds back what comes after it.
  let queue: Promise<void> = Promise.resolve();
  port.on("message", (message: ToWorker) => {
    if (message.t === "reply") return handle(message);
    if (message.t === "fetch") return void fetch(message);
    // Pushed data is taken in arrival order, like replies (a load may hold back the queue).
    if (message.t === "rerun" && message.push !== undefined) live.push?.(message.push);
    queue = queue.then(() => handle(message));
  });

  /** Runs a poll fetcher now, beside runs (it is async, like a run awaiting data). */
  async function fetch(message: Extract<ToWorker, { t: "fetch" }>): Promise<void> {
    if (!port) return;
    let answer: FromWorker;
    try {
      if (!live.fetch) throw Object.assign(new Error("no fetchers in this worker"), { name: "MissingFetcher" });
      answer = { t: "fetched", id: message.id, value: await live.fetch(message.key) };
    } catch (error) {
      const missing = error instanceof Error && error.name === "MissingFetcher";
      answer = { t: "fetched", id: message.id, error: error instanceof Error ? error.message : String(error), missing };
    }
    flushPosts();
    try {
      port.postMessage(answer);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      const reason = `the fetcher returned a value that cannot be shared between threads (${why}): return plain data (objects, arrays, strings, numbers, dates, Maps, typed arrays) or an Arrow table`;
      port.postMessage({ t: "fetched", id: message.id, error: reason } satisfies FromWorker);
    }
  }

  /** Messages that arrived before the first build was loaded (a browser faster than the build). */
  const early: ToWorker[] = [];

  function handle(message: ToWorker): Promise<void> | void {
    if (!app && message.t !== "load" && message.t !== "reply") {
      early.push(message);
      return;
    }
    switch (message.t) {
      case "load":
        return load(message);
      case "rerun": {
        const rerun: Session[] = [];
        for (const sid of message.sids) {
          const session = sessions.get(sid);
          if (session) rerun.push(session);
        }
        sharing.rerun(rerun);
        return;
      }
      case "open": {
        if (!app) return; // (cannot happen: held in `early` until the first load)
        sessions.get(message.sid)?.dispose();
        const session = new Session(message.sid, hostFor(message.sid), app, {
          query: message.query,
          page: message.page,
          widgets: message.widgets,
          restore: message.restore && snapshots.restore(message.sid, message.restore),
          user: message.user ?? null,
          ids: sharing.ids(),
          services,
        });
        session.hidden = message.hidden ?? false;
        slots.set(session, message.slot);
        sessions.set(message.sid, session);
        if (message.quiet) return;
        if (message.resume) {
          // The viewer still shows the page they had: they get the new one whole once it has run.
          session.detach();
          resuming.add(message.sid);
          // Viewers of a replica that died come back together: equal inputs share a first run.
          sharing.firstRun(session, [message.query, message.page, message.widgets, message.user?.sub, message.user?.email]);
          return;
        }
        session.attach(undefined);
        session.scheduler.request({});
        return;
      }
      case "attach":
        sessions.get(message.sid)?.resume(message.version, message.query);
        return;
      case "detach":
        sessions.get(message.sid)?.detach();
        return;
      case "message":
        Atomics.store(beat, 2, message.seq);
        sessions.get(message.sid)?.receive(message.message);
        return;
      case "upload":
        sessions.get(message.sid)?.upload(message.id, { name: message.name, type: message.type, bytes: message.bytes }, message.index, message.count);
        return;
      case "close": {
        const session = sessions.get(message.sid);
        session?.dispose();
        sessions.delete(message.sid);
        snapshots.forget(message.sid);
        resuming.delete(message.sid);
        return;
      }
      case "fetch":
        return fetch(message);
      case "reply": {
        const request = pending.get(message.id);
        pending.delete(message.id);
        if (!request) return;
        if (message.error !== undefined) request.reject(new Error(message.error));
        else request.resolve(message.value);
        return;
      }
    }
  }
  // An error no code handled (a library's `error` event without a listener, such as a pg.Pool's
  // when the database restarts; a promise rejected with nobody awaiting it) would end this thread
  // and every session on it. It is reported instead, and the thread carries on: when it came from
  // a poll's fetcher, as that source's error (its readers keep the last good data, marked stale);
  // from a session's run, to that session; else to every session here.
  const stray = (error: unknown): void => {
    const poll = pollOrigin.getStore();
    const session = current.getStore()?.run.session;
    const info = describeError(error);
    const where = poll !== undefined ? ` in poll("${poll}")` : "";
    post({ t: "log", line: `an error no code handled${where}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` });
    if (poll !== undefined && live.pollFailed?.(poll, error)) return;
    const message = `An error no code handled${where}: ${info.name}: ${info.message}. The app carries on; handle it where it starts (e.g. pool.on("error", …)).`;
    for (const target of session && sessions.get(session.id) === session ? [session] : sessions.values()) target.host.send({ t: "warning", message });
  };
  process.on("uncaughtException", stray);
  process.on("unhandledRejection", stray);
  post({ t: "ready" });
}
