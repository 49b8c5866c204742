/**
 * The server's WebSocket heartbeat (packages/runtime/src/edge/keepalive.ts), with real ws sockets
 * and a short interval: sockets are pinged at their own phases across the interval (not all at
 * once), a peer that answers stays, and one that never answers is closed within two intervals.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { Keepalive } from "@dash/runtime/edge/keepalive.ts";

const every = 800;
const cleanup: (() => void)[] = [];

afterEach(async () => {
  for (const done of cleanup.splice(0)) done();
  await new Promise((resolve) => setTimeout(resolve, 10));
});

/** A ws server watched by a Keepalive of `every` ms over 4 turns, and a way to open clients on it. */
async function serve(): Promise<(options?: WebSocket.ClientOptions) => Promise<WebSocket>> {
  const server = http.createServer();
  const wss = new WebSocketServer({ server });
  const keepalive = new Keepalive(every, 4);
  wss.on("connection", (ws) => keepalive.add(ws));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const clients: WebSocket[] = [];
  cleanup.push(() => {
    keepalive.stop();
    for (const client of clients) client.terminate();
    wss.close();
    server.close();
  });
  const { port } = server.address() as AddressInfo;
  return async (options) => {
    const client = new WebSocket(`ws://127.0.0.1:${port}/`, options);
    clients.push(client);
    await new Promise((resolve) => client.once("open", resolve));
    return client;
  };
}

const until = async (done: () => boolean, ms: number): Promise<void> => {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(done()).toBe(true);
};

describe("the WebSocket keepalive", () => {
  it("pings each socket once per interval, the sockets at phases spread over it", async () => {
    const open = await serve();
    const pings: number[][] = [];
    for (let i = 0; i < 8; i++) {
      const client = await open();
      const times: number[] = [];
      pings.push(times);
      client.on("ping", () => times.push(Date.now()));
    }
    await until(() => pings.every((times) => times.length >= 2), 10 * every);
    const firsts = pings.map((times) => times[0]!);
    // All at once, the 8 first pings would land within a few ms of each other.
    expect(Math.max(...firsts) - Math.min(...firsts)).toBeGreaterThanOrEqual(every / 4);
    // Each socket's own pings are an interval apart (give or take a busy machine's timers).
    for (const times of pings) expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(every * 0.75);
  }, 30_000);

  it("closes a peer that stops answering within two intervals, and keeps one that answers", async () => {
    const open = await serve();
    const live = await open();
    const dead = await open({ autoPong: false });
    let liveClosed = false;
    let deadClosedAt = 0;
    live.on("close", () => (liveClosed = true));
    dead.on("close", () => (deadClosedAt = Date.now()));
    const started = Date.now();
    await until(() => deadClosedAt > 0, 10 * every);
    expect(deadClosedAt - started).toBeLessThanOrEqual(2 * every + 400);
    await new Promise((resolve) => setTimeout(resolve, 2 * every));
    expect(liveClosed).toBe(false);
    expect(live.readyState).toBe(WebSocket.OPEN);
  }, 30_000);
});
