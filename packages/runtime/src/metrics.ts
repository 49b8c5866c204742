/**
 * The process's Prometheus metrics (`/metrics`), one registry for the main thread. Every part
 * records into the metric it owns here, so the whole list can be read in one place; the script
 * workers report through the main thread (they have no registry of their own: a run's outcome,
 * its seconds and the `cache()` hits and misses since the last report travel in one message).
 */
import type { Socket } from "node:net";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export const registry = new Registry();
// Node's own figures: dash_process_resident_memory_bytes, dash_nodejs_eventloop_lag_seconds, …
collectDefaultMetrics({ register: registry, prefix: "dash_" });

const registers = [registry];

export const metrics = {
  /** Seconds from a run's start to its end (finished, failed or interrupted). */
  rerunSeconds: new Histogram({
    name: "dash_rerun_seconds",
    help: "Script run latency, start to end, by outcome (done, error, interrupted)",
    labelNames: ["outcome"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  }),
  /** Runs that ended; `rate(dash_runs_total[1m])` is runs per second. */
  runs: new Counter({ name: "dash_runs_total", help: "Script runs that ended (finished, failed or interrupted)", registers }),
  wsBytesSent: new Counter({
    name: "dash_ws_bytes_sent_total",
    help: "Bytes written to WebSocket connections (frames and handshake)",
    registers,
    collect: () => tallySockets(),
  }),
  wsBytesReceived: new Counter({
    name: "dash_ws_bytes_received_total",
    help: "Bytes read from WebSocket connections (frames and handshake)",
    registers,
    collect: () => tallySockets(),
  }),
  wsMessages: new Counter({ name: "dash_ws_messages_total", help: "WebSocket messages received from browsers", registers }),
  sessions: new Gauge({ name: "dash_sessions", help: "Sessions held by this process (connected or waiting for their viewer)", registers }),
  connections: new Gauge({ name: "dash_connections", help: "Open WebSocket connections", registers }),
  workers: new Gauge({ name: "dash_script_workers", help: "Script worker threads running", registers }),
  workersKilled: new Counter({ name: "dash_script_workers_killed_total", help: "Script workers stopped by the watchdog (a run blocked too long)", registers }),
  polls: new Counter({
    name: "dash_source_polls_total",
    help: "Polls of live sources made by this process (a version check, or a load for a source without one)",
    labelNames: ["source"] as const,
    registers,
  }),
  cacheHits: new Counter({ name: "dash_cache_hits_total", help: "cache() calls answered without running the function", registers }),
  cacheMisses: new Counter({ name: "dash_cache_misses_total", help: "cache() calls that ran the function", registers }),
  /** Registered by `redisState`, so that it is absent without Redis. */
  redisUp: new Gauge({ name: "dash_redis_up", help: "1 while Redis (DASH_REDIS_URL) is reachable, 0 while not; absent without Redis", registers: [] }),
  drains: new Counter({ name: "dash_drains_total", help: "Drains started (SIGTERM)", registers }),
  refused: new Counter({ name: "dash_refused_total", help: "Requests, upgrades and messages refused at the edge", labelNames: ["reason"] as const, registers }),
};

/** The metrics as Prometheus text, and the content type to send them with. */
export async function scrape(): Promise<{ type: string; text: string }> {
  return { type: registry.contentType, text: await registry.metrics() };
}

/** Redis (`DASH_REDIS_URL`) is reachable or not. */
export function redisState(up: boolean): void {
  if (!registry.getSingleMetric("dash_redis_up")) registry.registerMetric(metrics.redisUp);
  metrics.redisUp.set(up ? 1 : 0);
}

/** What a script worker reports at the end of each run. */
export interface RunReport {
  outcome: "done" | "error" | "interrupted";
  seconds: number;
  /** `cache()` calls since the worker's previous report. */
  cacheHits: number;
  cacheMisses: number;
}

export function recordRun(report: RunReport): void {
  metrics.runs.inc();
  metrics.rerunSeconds.observe({ outcome: report.outcome }, report.seconds);
  if (report.cacheHits) metrics.cacheHits.inc(report.cacheHits);
  if (report.cacheMisses) metrics.cacheMisses.inc(report.cacheMisses);
}

/**
 * WebSocket bytes are read from the sockets' own counters when /metrics is scraped and when a
 * socket closes, so sending a message costs nothing extra.
 */
const sockets = new Map<Socket, { read: number; written: number }>();

export function trackSocket(socket: Socket): void {
  if (sockets.has(socket)) return;
  sockets.set(socket, { read: 0, written: 0 });
  socket.once("close", () => {
    tally(socket);
    sockets.delete(socket);
  });
}

function tally(socket: Socket): void {
  const seen = sockets.get(socket);
  if (!seen) return;
  const { bytesRead, bytesWritten } = socket;
  if (bytesRead > seen.read) metrics.wsBytesReceived.inc(bytesRead - seen.read);
  if (bytesWritten > seen.written) metrics.wsBytesSent.inc(bytesWritten - seen.written);
  seen.read = bytesRead;
  seen.written = bytesWritten;
}

function tallySockets(): void {
  for (const socket of sockets.keys()) tally(socket);
}

/** Counts the polls of a source (labelled with its name): each `check()`, or each `fetch()` of a source without one. */
export function countPolls<S extends { label?: string; check?(): Promise<unknown>; fetch(): Promise<unknown> }>(source: S, fallback: string): S {
  const labels = { source: source.label ?? fallback };
  if (source.check) {
    const check = source.check.bind(source);
    return { ...source, check: () => (metrics.polls.inc(labels), check()) };
  }
  const fetch = source.fetch.bind(source);
  return { ...source, fetch: () => (metrics.polls.inc(labels), fetch()) };
}
