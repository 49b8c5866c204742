/** A script worker: the API scripts import as "dash", then the runtime's worker loop. */
import { serveWorker } from "@dash/runtime/worker.ts";
import nodeModule from "node:module";

// Node 22+ caches compiled code between starts (a faster `dash run`); Node 20 has no such cache.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
import { workerData } from "node:worker_threads";
import type { WorkerData } from "@dash/runtime/thread.ts";
import { scriptApi } from "@dash/widgets";
import { setAppFolder } from "@dash/widgets/image.ts";
import { hidePaths } from "@dash/runtime/errors.ts";
import { liveWorker } from "@dash/widgets/live.ts";

const { appFolder, production } = workerData as WorkerData;
if (appFolder) setAppFolder(appFolder);
if (appFolder && production) hidePaths(appFolder);
(globalThis as { __dashApi?: object }).__dashApi = scriptApi();
serveWorker(liveWorker);
