/** A script worker: the API scripts import as "dash", then the runtime's worker loop. */
import { serveWorker } from "@dash/runtime/worker.ts";
import { scriptApi } from "@dash/widgets";

(globalThis as { __dashApi?: object }).__dashApi = scriptApi();
serveWorker();
