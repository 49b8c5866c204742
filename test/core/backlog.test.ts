/**
 * A served app queues thousands of connections arriving at once (a replica died and its viewers
 * reconnect here): its listening socket's backlog, as the kernel reports it (`ss`: Send-Q of a
 * listening socket), is 4,096 or the system's cap, not Node's default 511 (the connections past
 * it were dropped and retried a second later: 1,000 viewers took 2-3 s to resume).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, expect, test } from "vitest";
import { serve, type ServedApp } from "../support/dash-serve.ts";

let app: ServedApp | undefined;
afterAll(() => app?.stop());

test("the server listens with a backlog of 4,096 connections (or the system's cap)", async () => {
  app = await serve("examples/hello/app.ts");
  const listening = execFileSync("ss", ["-ltnH", `sport = :${app.port}`], { encoding: "utf8" }).trim();
  const backlog = Number(listening.split(/\s+/)[2]);
  const cap = Number(readFileSync("/proc/sys/net/core/somaxconn", "utf8"));
  expect(backlog).toBe(Math.min(4096, cap));
  expect(backlog).toBeGreaterThan(511);
}, 30_000);
