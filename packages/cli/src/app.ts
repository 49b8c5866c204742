/**
 * A running dash app: builds the script (or a folder of page scripts), serves it, and in
 * development watches every file the build read and hot-reloads on save.
 */
import { watch, type FSWatcher } from "chokidar";
import { existsSync, statSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { checkExposure, createAuth, type AuthConfig } from "@dash/runtime/auth/index.ts";
import { isLoopback } from "@dash/runtime/auth/common.ts";
import { publicOrigin } from "@dash/runtime/edge/origin.ts";
import { trustedProxies } from "@dash/runtime/edge/forwarded.ts";
import { staticAssets } from "@dash/runtime/assets.ts";
import { CacheCoordinator } from "@dash/runtime/cache.ts";
import { ClusterCache } from "@dash/runtime/cluster/cache.ts";
import { drain } from "@dash/runtime/cluster/drain.ts";
import { connectRedis, type RedisLink } from "@dash/runtime/cluster/redis.ts";
import { RedisSnapshots } from "@dash/runtime/cluster/snapshots.ts";
import { sharedSource } from "@dash/runtime/cluster/sources.ts";
import { ScriptHost, type PageSpec } from "@dash/runtime/host.ts";
import { countPolls } from "@dash/runtime/metrics.ts";
import type { ErrorInfo, ServerMessage } from "@dash/runtime/protocol.ts";
import type { EdgeLimits } from "@dash/runtime/edge/limits.ts";
import { startServer, type RunningServer } from "@dash/runtime/server.ts";
import { replyOf, SourceHub, type LiveValue } from "@dash/runtime/sources/hub.ts";
import type { Fetched } from "@dash/runtime/sources/source.ts";
import type { Built } from "./built.ts";
import { appFolderOf, findPages, iconOf } from "./pages.ts";

export interface AppOptions {
  /** A script, or a folder of scripts (a multi-page app). */
  entry: string;
  port?: number;
  host?: string;
  /** Development: watch files and hot-reload. */
  watch?: boolean;
  production?: boolean;
  /** Seconds a run may block its thread before it is stopped. */
  scriptTimeout?: number;
  /** Heap limit of each script worker, in MB (default 2048). */
  workerMemory?: number;
  workers?: number;
  sessionTtl?: number;
  allowedOrigins?: string[];
  /** The address viewers open (`--public-url`): the one origin allowed to open the WebSocket. */
  publicUrl?: string | undefined;
  /** Proxies whose `X-Forwarded-For` names the viewer (`--trusted-proxy`): sessions are counted per viewer address. */
  trustedProxies?: string[] | undefined;
  /** What one viewer may cost (message sizes, rate, sessions per address, uploads); defaults otherwise. */
  limits?: EdgeLimits;
  /** A `dash build` output to serve as it is (nothing is compiled; `entry` only names it). */
  built?: Built;
  /** Redis shared by the replicas of this app (`DASH_REDIS_URL`); without it, one process. */
  redisUrl?: string;
  /** Sign-in (`--auth` and its flags); without it, anyone who reaches the port may view. */
  auth?: AuthConfig | undefined;
  log?: (line: string) => void;
}

export interface RunningApp extends RunningServer {
  host: ScriptHost;
  /** The process's live sources (GCS, BigQuery, files). */
  hub: SourceHub;
  /** The link to the cluster's Redis, when `redisUrl` is set. */
  redis: RedisLink | null;
  /**
   * Drain (SIGTERM): `/healthz` → 503, snapshots written, sockets closed with 1012 so browsers
   * resume elsewhere; resolves within `timeout` ms. Call `close()` after it.
   */
  drain(timeout: number): Promise<void>;
  /** Resolves when the first build is loaded and (in development) the file watcher is watching. */
  ready: Promise<void>;
  /** Rebuild now (what a file save does); resolves when browsers have been told. */
  reload(): Promise<ErrorInfo | null>;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** Where the built worker and browser client are (next to this file once built). */
export function distDir(): string {
  for (const dir of [here, path.resolve(here, "../dist")]) if (existsSync(path.join(dir, "worker.js"))) return dir;
  throw new Error("dash is not built: run `npm install` (or `npm run build`) in the dash repository first.");
}

/** Why a build that compiled could not be used: a full disk is said plainly (`running`: a version runs meanwhile). */
function unbuilt(error: unknown, running: boolean): string {
  const { code, path: file } = error as NodeJS.ErrnoException;
  if (code !== "ENOSPC") return String(error);
  if (running)
    return "The disk is full: the saved script could not be written (ENOSPC), so the page keeps running its last version. Free some space and save again.";
  // (Builds are written under the temporary folder, build.ts.)
  return `The disk is full: the compiled script could not be written to ${file ? path.dirname(file) : tmpdir()} (ENOSPC). Free some space, or set TMPDIR to a folder on a disk with room, and start again.`;
}

export async function startApp(options: AppOptions): Promise<RunningApp> {
  const log = options.log ?? ((line: string) => console.error(line));
  if (options.workerMemory !== undefined && !(options.workerMemory >= 32))
    throw new Error(`--worker-memory is the heap limit of a script worker in MB (at least 32), not ${JSON.stringify(options.workerMemory)}.`);
  const dist = distDir();
  if (options.production) checkExposure(options.host ?? "127.0.0.1", options.auth);
  const publicUrl = options.publicUrl ?? options.auth?.publicUrl;
  if (publicUrl)
    publicOrigin(publicUrl); // a malformed --public-url stops the start, with its reason
  else if (!isLoopback(options.host ?? "127.0.0.1") && !options.allowedOrigins?.length)
    log(
      `dash: no --public-url: browsers may open the WebSocket only from http://<an IP address>:port; set --public-url https://your.host to serve a host name.`,
    );
  const proxies = trustedProxies(options.trustedProxies); // a malformed --trusted-proxy stops the start, naming the entry
  const auth = options.auth ? createAuth(options.auth, log) : null;
  // esbuild loads while the rest starts; a `dash build` output needs none of it.
  const compiler = options.built ? null : import("@dash/runtime/build.ts");
  const redis = options.redisUrl ? await connectRedis({ url: options.redisUrl, app: path.basename(options.entry).replace(/\.[cm]?[jt]sx?$/, ""), log }) : null;
  // Live sources are polled here, once for the whole process; changed data reruns its readers.
  // The new state travels with the reruns, so they need not ask for it (see live.ts).
  const rerun = (key: string, sessions: string[]): void => {
    const state = hub.peek(key);
    host.rerun(sessions, state && { t: "source", reply: replyOf(state) });
  };
  // `dash.cache` results, shared by the script workers (one underlying call per process).
  const sharedCache = new CacheCoordinator();
  // With Redis, one call per key for the whole cluster (the coordinator still answers first).
  const clusterCache = redis ? new ClusterCache(redis, sharedCache, log) : null;
  const hub: SourceHub = new SourceHub({
    onChange: rerun,
    onStale: rerun,
    onRecover: rerun,
    // A poll's fetcher runs in a worker of one of its readers; the value serves every worker.
    runPoll: (key, sessions) => host.runPoll(key, sessions) as Promise<Fetched<LiveValue>>,
    counted: countPolls,
    // With Redis, one replica of the cluster polls each source and the others read what it found.
    ...(redis ? { shared: (key, source) => sharedSource(redis, key, source, { every: source.every ?? (source.watch ? 5000 : 60_000) }) } : {}),
  });
  const host: ScriptHost = new ScriptHost({
    workerFile: path.join(dist, "worker.js"),
    workers: options.workers ?? 2,
    appFolder: appFolderOf(options.entry),
    production: options.production ?? false,
    scriptTimeout: (options.scriptTimeout ?? 10) * 1000,
    ...(options.workerMemory ? { workerMemory: options.workerMemory } : {}),
    sessionTtl: options.sessionTtl,
    // With Redis, snapshots are shared: a browser resumes its session on any replica.
    ...(redis ? { snapshots: new RedisSnapshots(redis, { ttl: options.sessionTtl, log }) } : {}),
    log,
    onRequest: {
      source: async (sid, spec) => replyOf(await hub.read(sid, spec)),
      cacheClaim: (_sid, { key }) => (clusterCache ?? sharedCache).claim(key),
      cacheSettle: (_sid, { key, result }) => {
        (clusterCache ?? sharedCache).settle(key, result);
        return Promise.resolve(null);
      },
      pollFailed: (_sid, { key, error }) => Promise.resolve(hub.fail(key, new Error(error))),
    },
    onRunFinished: (sid, sources) => hub.release(sid, sources),
    onSessionClosed: (sid) => hub.release(sid),
    onVisibility: (sid, hidden) => hub.setHidden(sid, hidden),
    signOut: auth?.signOut,
  });
  let buildError: ErrorInfo | null = null;
  let typeErrors: ErrorInfo[] = [];
  // Type checking runs in its own thread after each successful build (development only).
  // It starts a few seconds after startup, so that TypeScript's first (slow) program does not
  // compete with the first page for the CPU.
  let checker: Worker | null = null;
  let checks = 0;
  let lastInputs: string[] = [];
  const typecheck = (): void => {
    if (!options.watch || !existsSync(path.join(dist, "typecheck.js"))) return;
    if (!checker) {
      checker = new Worker(path.join(dist, "typecheck.js"));
      checker.unref();
      checker.on("message", (reply: { id: number; errors: ErrorInfo[] }) => {
        if (reply.id !== checks) return; // a newer check is on its way
        typeErrors = reply.errors;
        host.broadcast({ t: "typeError", errors: typeErrors });
      });
    }
    checker.postMessage({ id: ++checks, files: lastInputs.filter((file) => /\.[cm]?tsx?$/.test(file)) });
  };
  let started = false;
  const firstCheck = setTimeout(() => {
    started = true;
    typecheck();
  }, 3000);
  firstCheck.unref();
  let watcher: FSWatcher | null = null;
  let watched = new Set<string>();

  let loaded = false;
  const reload = async (): Promise<ErrorInfo | null> => {
    if (options.built) return host.load(options.built.pages, options.built.defaultPage);
    const found = findPages(options.entry);
    const built: PageSpec[] = [];
    const inputs = new Set<string>();
    const { buildScript, BuildError } = await compiler!;
    try {
      for (const page of found.pages) {
        const result = await buildScript(page.source);
        const icon = iconOf(page.source);
        built.push({ name: page.name, file: result.file, title: page.title, ...(icon ? { icon } : {}) });
        for (const input of result.inputs) inputs.add(input);
      }
    } catch (error) {
      buildError = error instanceof BuildError ? error.info : { message: unbuilt(error, loaded) };
      host.broadcast({ t: "buildError", error: buildError });
      log(`dash: build failed: ${buildError.file ? `${buildError.file}:${buildError.line ?? ""} ` : ""}${buildError.message}`);
      return buildError;
    }
    const loadError = await host.load(built, found.defaultPage);
    loaded ||= !loadError;
    // After the reload, so checking never delays it.
    lastInputs = [...inputs];
    if (started) typecheck();
    buildError = loadError;
    host.broadcast({ t: "buildError", error: loadError });
    const added = [...inputs].filter((file) => !watched.has(file));
    if (added.length) watcher?.add(added);
    watched = new Set([...watched, ...inputs]);
    return loadError;
  };

  // The server listens while the first build loads in the workers: the browser fetches the page
  // and the client meanwhile, and its session opens as soon as a worker has the app.
  const firstReload = reload();
  const serverStarting = startServer({
    host,
    clientDir: options.built?.staticDir ?? path.join(dist, "client"),
    ...(options.built ? { statics: staticAssets(options.built.staticDir, options.built.entries, options.built.assetUrl) } : {}),
    port: options.port ?? 8501,
    hostname: options.host ?? "127.0.0.1",
    production: options.production ?? false,
    allowedOrigins: options.allowedOrigins,
    limits: options.limits,
    auth,
    publicUrl,
    trustedProxies: proxies,
    greeting: (): ServerMessage[] => [
      ...(buildError ? [{ t: "buildError", error: buildError } as const] : []),
      ...(typeErrors.length ? [{ t: "typeError", errors: typeErrors } as const] : []),
    ],
  });
  let server: RunningServer;
  try {
    server = await serverStarting;
  } catch (error) {
    await firstReload;
    await host.close();
    await redis?.close();
    throw error;
  }
  // In production, a script that does not load is fatal; in development the page shows the error
  // and the next save fixes it, so the server is ready as soon as it listens.
  if (!options.watch) {
    const first = await firstReload;
    if (first) {
      await Promise.all([server.close(), host.close(), redis?.close()]);
      throw new Error(`The script failed to load: ${first.message}`);
    }
  }

  let watching: Promise<void> = Promise.resolve();
  if (options.watch) {
    const folder = statSync(path.resolve(options.entry)).isDirectory() ? [path.resolve(options.entry)] : [];
    watcher = watch([...watched, ...folder], { ignoreInitial: true, ignored: (file) => file.includes("node_modules") });
    let timer: ReturnType<typeof setTimeout> | null = null;
    let running: Promise<unknown> = Promise.resolve();
    watcher.on("all", () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        running = running.then(reload);
      }, 5);
    });
    watching = new Promise<void>((resolve) => watcher!.once("ready", () => resolve()));
  }

  return {
    ...server,
    host,
    hub,
    redis,
    reload,
    drain: (timeout) => drain({ beginDrain: server.beginDrain, closeSockets: server.closeSockets, snapshots: host.snapshots }, timeout, log),
    ready: Promise.all([firstReload, watching]).then(() => undefined),
    async close() {
      await watcher?.close();
      clearTimeout(firstCheck);
      await checker?.terminate();
      await server.close();
      await host.close();
      hub.close();
      clusterCache?.close();
      await redis?.close();
    },
  };
}
