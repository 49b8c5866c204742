/**
 * The process's Prometheus metrics (`/metrics`), one registry for the main thread. Every part
 * records into the metric it owns here, so the whole list can be read in one place; the script
 * workers report through the main thread (they have no registry of their own).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: "dash_process_" });

const registers = [registry];

export const metrics = {
  /** Seconds from a run's start to its end (finished, failed or interrupted). */
  rerunSeconds: new Histogram({
    name: "dash_rerun_seconds",
    help: "Script run latency, start to end",
    labelNames: ["outcome"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  }),
  runs: new Counter({ name: "dash_runs_total", help: "Script runs started", registers }),
  wsBytesSent: new Counter({ name: "dash_ws_bytes_sent_total", help: "Bytes sent on WebSockets", registers }),
  wsBytesReceived: new Counter({ name: "dash_ws_bytes_received_total", help: "Bytes received on WebSockets", registers }),
  sessions: new Gauge({ name: "dash_sessions", help: "Sessions held by this process", registers }),
  connections: new Gauge({ name: "dash_connections", help: "Open WebSocket connections", registers }),
  polls: new Counter({ name: "dash_source_polls_total", help: "Polls of live sources made by this process", labelNames: ["source"] as const, registers }),
  cacheHits: new Counter({ name: "dash_cache_hits_total", help: "cache() calls answered from a stored value", registers }),
  cacheMisses: new Counter({ name: "dash_cache_misses_total", help: "cache() calls that ran the function", registers }),
  redisUp: new Gauge({ name: "dash_redis_up", help: "1 while Redis (DASH_REDIS_URL) is reachable, 0 while not; absent without Redis", registers }),
  drains: new Counter({ name: "dash_drains_total", help: "Drains started (SIGTERM)", registers }),
  refused: new Counter({ name: "dash_refused_total", help: "Requests, upgrades and messages refused at the edge", labelNames: ["reason"] as const, registers }),
};
