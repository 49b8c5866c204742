/**
 * The script worker threads of one process and their watchdog.
 *
 * Why workers: a script stuck in synchronous code (`while (true) {}`) cannot be interrupted from
 * its own thread. Each worker bumps a shared heartbeat counter every 50 ms and records which
 * session it is running (its slot); when the counter stalls longer than the script timeout, the
 * watchdog terminates that worker (milliseconds) and starts a fresh one in its place. A worker that
 * ran out of memory is replaced the same way. Which sessions a worker holds, and reopening them on
 * the fresh one, is the host's business (`host.ts`): the pool says which worker replaced which and
 * why.
 */
import { Worker } from "node:worker_threads";
import { metrics, recordRun } from "./metrics.ts";
import type { ErrorInfo } from "./protocol.ts";
import type { PageSpec } from "./hello.ts";
import type { FromWorker, RequestHandlers, RequestMessage, ToWorker, WorkerData } from "./thread.ts";

/** Heap limit of a script worker (MB) unless --worker-memory says otherwise. */
export const defaultWorkerMemory = 2048;
/**
 * The young generation of each script worker (MB; V8's default is 48). Left at V8's default, a
 * worker's grows to its largest under a burst of messages and stays there: 100,000 fuzzed messages
 * left the server 104 MB larger, 65 MB with this (BENCHMARKS.md, "Hostile input"); reruns cost
 * the same within this machine's noise.
 */
const workerYoungMemory = 6;

export interface PoolOptions {
  /** The worker entry (a JS file that sets the script API and calls `serveWorker`). */
  workerFile: string;
  /** Number of script workers (default 2). */
  workers?: number | undefined;
  /** A run that blocks its thread longer than this (ms) is stopped (default 10 s). */
  scriptTimeout?: number | undefined;
  /** Heap limit of each script worker (MB, default 2048). */
  workerMemory?: number | undefined;
  /** Requests from scripts that the main thread answers, by kind (`thread.ts`). */
  onRequest?: RequestHandlers | undefined;
  appFolder?: string | undefined;
  production?: boolean | undefined;
  log?: ((line: string) => void) | undefined;
}

export interface WorkerHandle {
  worker: Worker;
  beat: Int32Array;
  lastBeat: number;
  lastBeatAt: number;
  /** The sessions this worker holds (kept by the host). */
  sessions: Set<string>;
  ready: Promise<void>;
  dead: boolean;
  /** Callers waiting for this worker's answer to a `load`, in order. */
  loads: ((error: ErrorInfo | null) => void)[];
  /** Poll fetches this worker is running, by id. */
  fetches: Map<number, { resolve(value: unknown): void; reject(error: Error): void }>;
}

/** Why a worker was replaced, as the sessions it held are told. */
export interface Stop {
  /** The slot of the session that was running (it brought the worker down), or null (the worker died by itself). */
  culprit: number | null;
  why: "timeout" | "memory";
  /** The number of the last message the worker handled (see replay.ts). */
  handled: number;
}

export interface PoolEvents {
  /** A message from a worker (the pool answers its own kinds through `receive`). */
  message(handle: WorkerHandle, message: FromWorker): void;
  /** `fresh` took the place of `old` (stopped by the watchdog, or out of memory) and is ready. */
  replaced(old: WorkerHandle, fresh: WorkerHandle, stop: Stop): void;
  /** A worker started after the app was loaded failed to load it. */
  loadFailed(error: ErrorInfo): void;
}

/** Messages about the thread itself, not about a session. */
export type ThreadMessage = Extract<FromWorker, { t: "ready" | "loaded" | "request" | "fetched" | "log" | "ran" }>;

/** A worker holds no fetcher for a poll key (none of its sessions reads it any more). */
class MissingFetcher extends Error {}

/** What the viewer of the session that brought its worker down is told. */
export function stoppedError(why: Stop["why"], scriptTimeout: number, workerMemory = defaultWorkerMemory): ErrorInfo {
  if (why === "memory")
    return {
      name: "OutOfMemory",
      message: `The script used more than the ${workerMemory} MB of memory a script may use and was stopped (the limit is set with --worker-memory). The page shows its last good output; change an input to run it again.`,
    };
  const seconds = Math.round(scriptTimeout / 100) / 10;
  return {
    name: "ScriptTimeout",
    message: `The script ran longer than ${seconds} s without yielding and was stopped. The page shows its last good output; change an input to run it again.`,
  };
}

/** The main thread's answer to a worker's request (each kind has its handler; see `ThreadRequests`). */
function answer(handlers: RequestHandlers | undefined, message: RequestMessage): Promise<unknown> {
  if (!handlers) return Promise.reject(new Error(`no handler for ${message.what}`));
  // `what` and `args` agree by construction (`RequestMessage`); TypeScript cannot follow the pair through the index.
  const handler = handlers[message.what] as (sid: string, args: RequestMessage["args"]) => Promise<unknown>;
  return handler(message.sid, message.args);
}

export class WorkerPool {
  readonly handles: WorkerHandle[] = [];
  readonly timeout: number;
  /** Number of workers killed by the watchdog (for /metrics and tests). */
  killed = 0;
  private pages: { pages: PageSpec[]; defaultPage: string } | null = null;
  private nextFetch = 1;
  private readonly watchdog: ReturnType<typeof setInterval>;
  private closed = false;

  constructor(
    private readonly options: PoolOptions,
    private readonly events: PoolEvents,
  ) {
    this.timeout = options.scriptTimeout ?? 10_000;
    // The first worker starts at once; the others a second after it is ready, so that on 2 cores
    // they do not compete with it (and with the first build and run) for the first paint.
    const first = this.spawn();
    this.handles.push(first);
    void first.ready.then(() => {
      const more = setTimeout(() => {
        for (let i = 1; i < (options.workers ?? 2) && !this.closed; i++) this.handles.push(this.spawn());
      }, 1000);
      more.unref();
    });
    this.watchdog = setInterval(() => this.check(), Math.min(250, this.timeout / 4));
    this.watchdog.unref();
  }

  private spawn(): WorkerHandle {
    const shared = new SharedArrayBuffer(12);
    const data: WorkerData = { beat: shared, appFolder: this.options.appFolder, production: this.options.production };
    const worker = new Worker(this.options.workerFile, {
      workerData: data,
      stderr: false,
      stdout: false,
      resourceLimits: { maxOldGenerationSizeMb: this.options.workerMemory ?? defaultWorkerMemory, maxYoungGenerationSizeMb: workerYoungMemory },
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
      this.events.message(handle, message);
    });
    let outOfMemory = false;
    worker.on("error", (error) => {
      outOfMemory ||= (error as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY";
      this.options.log?.(`script worker failed: ${error.stack ?? error.message}`);
    });
    worker.on("exit", () => {
      if (handle.dead || this.closed) return;
      // Out of memory: the session that was running is the one that grew (and is told so).
      if (outOfMemory) metrics.workersKilled.inc();
      this.replace(handle, outOfMemory ? Atomics.load(handle.beat, 1) : null, outOfMemory ? "memory" : "timeout");
    });
    if (this.pages) {
      handle.loads.push((error) => error && this.events.loadFailed(error));
      this.post(handle, { t: "load", ...this.pages });
    }
    return handle;
  }

  post(handle: WorkerHandle, message: ToWorker, transfer?: ArrayBuffer[]): void {
    if (!handle.dead) handle.worker.postMessage(message, transfer ?? []);
  }

  /** Load (or hot-reload) the app in every worker; resolves with the first load error, if any. */
  load(pages: PageSpec[], defaultPage: string): Promise<ErrorInfo | null> {
    this.pages = { pages, defaultPage };
    const results = this.handles.map(
      (handle) =>
        new Promise<ErrorInfo | null>((resolve) => {
          handle.loads.push(resolve);
          this.post(handle, { t: "load", pages, defaultPage });
        }),
    );
    return Promise.all(results).then((errors) => errors.find(Boolean) ?? null);
  }

  /** The worker with the fewest sessions (where a new one opens). */
  leastLoaded(): WorkerHandle {
    return this.handles.reduce((best, handle) => (handle.sessions.size < best.sessions.size ? handle : best));
  }

  /** Act on a message about the thread itself. */
  receive(handle: WorkerHandle, message: ThreadMessage): void {
    switch (message.t) {
      case "loaded":
        handle.loads.shift()?.(message.error);
        return;
      case "ran":
        recordRun(message);
        return;
      case "request":
        answer(this.options.onRequest, message).then(
          (value) => this.post(handle, { t: "reply", id: message.id, value }),
          (error: unknown) => this.post(handle, { t: "reply", id: message.id, error: error instanceof Error ? error.message : String(error) }),
        );
        return;
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
   * Runs the fetcher of `poll()` source `key` in the first of these workers that holds it (the
   * workers of its readers, first reader first): one call for the whole process.
   */
  async fetch(key: string, handles: Iterable<WorkerHandle | undefined>): Promise<unknown> {
    const tried = new Set<WorkerHandle>();
    for (const handle of handles) {
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

  private check(): void {
    const now = Date.now();
    for (const handle of this.handles) {
      const beat = Atomics.load(handle.beat, 0);
      if (beat !== handle.lastBeat) {
        handle.lastBeat = beat;
        handle.lastBeatAt = now;
      } else if (now - handle.lastBeatAt > this.timeout) {
        this.killed++;
        metrics.workersKilled.inc();
        this.replace(handle, Atomics.load(handle.beat, 1));
      }
    }
  }

  /** Terminate a worker and start a fresh one in its place; the host reopens its sessions there. */
  private replace(handle: WorkerHandle, culprit: number | null, why: Stop["why"] = "timeout"): void {
    if (handle.dead) return;
    handle.dead = true;
    // The last message the worker handled: the culprit's inputs up to it brought the worker down.
    const handled = Atomics.load(handle.beat, 2);
    void handle.worker.terminate();
    for (const waiter of handle.loads.splice(0)) waiter(null); // the fresh worker loads the app itself
    for (const fetch of handle.fetches.values()) fetch.reject(new Error("the script worker running this fetch was stopped"));
    handle.fetches.clear();
    const fresh = this.spawn();
    this.handles[this.handles.indexOf(handle)] = fresh;
    void fresh.ready.then(() => this.events.replaced(handle, fresh, { culprit, why, handled }));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.watchdog);
    await Promise.all(
      this.handles.map((handle) => {
        handle.dead = true;
        for (const fetch of handle.fetches.values()) fetch.reject(new Error("the server is closing"));
        return handle.worker.terminate();
      }),
    );
  }
}
