/**
 * The protocol between the main thread (`host.ts`) and a script worker (`worker.ts`): the one
 * place both import. `protocol.ts` is the browser's protocol; this is the threads'.
 *
 * Most messages go one way. A worker's requests to the main thread (a source's data, a shared
 * `cache()` entry) go by kind through `ThreadRequests`: each kind names its arguments and its
 * reply, so the asking side and the answering side cannot disagree on shapes.
 */
import type { ClientMessage, ErrorInfo, Json, ServerMessage } from "./protocol.ts";
import type { RunReport } from "./metrics.ts";
import type { User } from "./auth/common.ts";
import type { SourceReply, SourceSpec } from "./sources/hub.ts";

/** What a browser's hello brings to the host (the validated `hello` message). */
export type Hello = Extract<ClientMessage, { t: "hello" }>;

/** A `cache()` result shared between workers: a value (until `expires`) or `failed` (compute it yourselves). */
export type CacheResult = { value: unknown; expires: number } | { failed: true };

/** What a worker may ask of the main thread, by kind: the arguments and the reply. */
export interface ThreadRequests {
  /** A source's current state (reading it subscribes the session to its changes). */
  source: { args: SourceSpec; reply: SourceReply };
  /** A `cache()` entry: its value, or the go-ahead to compute it (then `cacheSettle` follows). */
  cacheClaim: { args: { key: string }; reply: { hit: true; value: unknown } | { hit: false } };
  cacheSettle: { args: { key: string; result: CacheResult }; reply: null };
  /** An error no code handled came from a poll's fetcher: the source takes it as its error. */
  pollFailed: { args: { key: string; error: string }; reply: boolean };
}
export type RequestKind = keyof ThreadRequests;

/** Ask the main thread (`sid` is "" for requests of no one session). */
export type Ask = <K extends RequestKind>(sid: string, what: K, args: ThreadRequests[K]["args"]) => Promise<ThreadRequests[K]["reply"]>;

/** How the main thread answers each kind of request. */
export type RequestHandlers = { [K in RequestKind]: (sid: string, args: ThreadRequests[K]["args"]) => Promise<ThreadRequests[K]["reply"]> };

/** A request as it travels: one variant per kind, so `what` and `args` always agree. */
export type RequestMessage = { [K in RequestKind]: { t: "request"; id: number; sid: string; what: K; args: ThreadRequests[K]["args"] } }[RequestKind];

/** New source data the main thread pushes with reruns (read by the sessions without asking). */
export interface SourcePush {
  t: "source";
  reply: SourceReply;
}

/** What the main thread tells a worker. */
export type ToWorker =
  | { t: "load"; pages: { name: string; file: string; title: string }[]; defaultPage: string }
  | {
      t: "open";
      sid: string;
      slot: number;
      query?: Record<string, string> | undefined;
      page?: string | undefined;
      widgets?: Record<string, Json> | undefined;
      /** The session's last snapshot (`cluster/snapshot.ts` bytes). */
      restore?: Uint8Array;
      /** Restore without running or redrawing (the viewer keeps the page they have). */
      quiet?: boolean;
      /** A viewer reconnected from another replica: run first, then send them the whole page. */
      resume?: boolean;
      hidden?: boolean;
      /** The signed-in viewer (`dash.user`). */
      user?: User | null;
    }
  | { t: "attach"; sid: string; version: number | undefined; query?: Record<string, string> | undefined }
  | { t: "detach"; sid: string }
  /** `seq` numbers inputs for replay after a restart (see replay.ts). */
  | { t: "message"; sid: string; message: ClientMessage; seq: number }
  | { t: "upload"; sid: string; id: string; name: string; type: string; bytes: Uint8Array; index: number; count: number }
  | { t: "close"; sid: string }
  /** Rerun these sessions; `push` (new source data) is taken first. */
  | { t: "rerun"; sids: string[]; push?: SourcePush }
  /** The answer to a `request` (`value` is the kind's reply). */
  | { t: "reply"; id: number; value?: unknown; error?: string }
  /** Run the fetcher of a `poll()` source (by source key) and answer with `fetched`. */
  | { t: "fetch"; id: number; key: string };

/** What a worker tells the main thread. */
export type FromWorker =
  | { t: "ready" }
  | { t: "loaded"; error: ErrorInfo | null }
  | { t: "send"; sid: string; text: string; kind: ServerMessage["t"] }
  /** One text for the browsers of several sessions (sessions that adopted one shared run). */
  | { t: "sendMany"; sids: string[]; text: string; kind: ServerMessage["t"] }
  | { t: "binary"; sid: string; frame: Uint8Array }
  /** The session's snapshot changed (after a finished run): `cluster/snapshot.ts` bytes. */
  | { t: "snapshot"; sid: string; bytes: Uint8Array }
  /** After each completed run, changed snapshot or not: the last message the worker had handled (see replay.ts). */
  | { t: "handled"; sid: string; seq: number }
  | RequestMessage
  | { t: "runFinished"; sid: string; sources: string[] }
  /** Sessions ended a shared run (shared-runs.ts): each as a `runFinished` and a `handled` of its own. */
  | { t: "adopted"; sids: string[]; sources: string[]; seq: number }
  /** A run ended (for /metrics), with the `cache()` calls since the last report. */
  | ({ t: "ran" } & RunReport)
  /** A line for the server's log. */
  | { t: "log"; line: string }
  /** A fetch's value and version, or why not (`missing`: this worker holds no fetcher for the key). */
  | { t: "fetched"; id: number; value?: unknown; error?: string; missing?: boolean }
  /** Messages posted in the same turn, in order: a run's data frames and patch travel together. */
  | { t: "batch"; messages: FromWorker[] };

export interface WorkerData {
  /** Int32Array over a SharedArrayBuffer: [0] heartbeat counter, [1] slot of the session running
   * now, [2] number of the last message handled (see replay.ts). */
  beat: SharedArrayBuffer;
  /** The app's folder: the only one `image(path)` reads files from unless told otherwise. */
  appFolder?: string | undefined;
  /** `dash serve`: errors shown to viewers name files relative to the app's folder (errors.ts hidePaths). */
  production?: boolean | undefined;
}
