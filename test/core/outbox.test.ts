/**
 * The server's socket writer (packages/runtime/src/edge/outbox.ts): real WebSocket clients (ws)
 * read what it frames, and one text going to many sockets is framed once and written to each as
 * the same buffer, held frames in one write.
 */
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { Outbox } from "@dash/runtime/edge/outbox.ts";
import { SharedText } from "@dash/runtime/deliver.ts";

interface Viewer {
  outbox: Outbox;
  socket: Socket;
  client: WebSocket;
  received: (string | Buffer)[];
  /** Buffers written to the server's socket. */
  writes: Uint8Array[];
}

let server: http.Server;
let wss: WebSocketServer;
const viewers: Viewer[] = [];

beforeAll(async () => {
  server = http.createServer();
  wss = new WebSocketServer({ noServer: true });
  const accepted: ((entry: { ws: WebSocket; socket: Socket }) => void)[] = [];
  server.on("upgrade", (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => accepted.shift()!({ ws, socket: socket as Socket })));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  for (let i = 0; i < 3; i++) {
    const serverSide = new Promise<{ ws: WebSocket; socket: Socket }>((resolve) => accepted.push(resolve));
    const client = new WebSocket(`ws://127.0.0.1:${port}/`);
    const received: (string | Buffer)[] = [];
    client.on("message", (data, binary) => received.push(binary ? (data as Buffer) : String(data)));
    await new Promise((resolve) => client.once("open", resolve));
    const { ws, socket } = await serverSide;
    const writes: Uint8Array[] = [];
    const write = socket.write.bind(socket) as (chunk: Uint8Array) => boolean;
    socket.write = ((chunk: Uint8Array) => (writes.push(chunk), write(chunk))) as typeof socket.write;
    viewers.push({ outbox: new Outbox(socket, () => ws.readyState === ws.OPEN), socket, client, received, writes });
  }
});

afterAll(async () => {
  for (const viewer of viewers) viewer.client.terminate();
  wss.close();
  await new Promise((resolve) => server.close(resolve));
});

const until = async (done: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(done()).toBe(true);
};

describe("the outbox", () => {
  it("frames texts and binary data of every size so that a WebSocket client reads them as sent", async () => {
    const [viewer] = viewers;
    const big = "x".repeat(70_000); // a 64-bit length
    const mid = "é".repeat(20_000); // 40,000 bytes: a 16-bit length, written after its header
    const data = Buffer.alloc(100_000, 7);
    viewer!.outbox.text("hello");
    viewer!.outbox.text(new SharedText(Buffer.from('{"t":"patch"}')));
    viewer!.outbox.text(big);
    viewer!.outbox.hold();
    viewer!.outbox.binary(new Uint8Array([1, 2, 3]));
    viewer!.outbox.binary(data);
    viewer!.outbox.text(mid);
    await until(() => viewer!.received.length === 6);
    expect(viewer!.received.slice(0, 3)).toEqual(["hello", '{"t":"patch"}', big]);
    expect(viewer!.received[3]).toEqual(Buffer.from([1, 2, 3]));
    expect((viewer!.received[4] as Buffer).equals(data)).toBe(true);
    expect(viewer!.received[5]).toBe(mid);
  });

  it("one text for many sockets is framed once: every socket is written the same buffer, patch and status in one write", async () => {
    for (const viewer of viewers) viewer.writes.length = viewer.received.length = 0;
    const patch = new SharedText(Buffer.from('{"t":"patch","version":2}'));
    const status = new SharedText(Buffer.from('{"t":"status","status":"idle"}'));
    for (const viewer of viewers) viewer.outbox.hold();
    for (const viewer of viewers) viewer.outbox.text(patch);
    for (const viewer of viewers) viewer.outbox.text(status);
    expect(viewers.map((viewer) => viewer.writes.length)).toEqual([0, 0, 0]); // held until the turn ends
    await until(() => viewers.every((viewer) => viewer.received.length === 2));
    for (const viewer of viewers) {
      expect(viewer.received).toEqual(['{"t":"patch","version":2}', '{"t":"status","status":"idle"}']);
      expect(viewer.writes).toHaveLength(1);
      expect(viewer.writes[0]).toBe(viewers[0]!.writes[0]); // one buffer, not a copy per socket
    }
    // Not held: the shared frame alone, again the same buffer for each socket.
    const next = new SharedText(Buffer.from('{"t":"patch","version":3}'));
    for (const viewer of viewers) viewer.outbox.text(next);
    expect(new Set(viewers.map((viewer) => viewer.writes[1])).size).toBe(1);
  });

  it("held sockets with the same shared texts in the same order share one buffer; a text of a socket's own keeps it apart", async () => {
    await until(() => viewers.every((viewer) => viewer.received.at(-1) === '{"t":"patch","version":3}')); // the last test's
    for (const viewer of viewers) viewer.writes.length = viewer.received.length = 0;
    const [a, b, c] = viewers as [Viewer, Viewer, Viewer];
    const patch = new SharedText(Buffer.from('{"t":"patch","version":4}'));
    const status = new SharedText(Buffer.from('{"t":"status","status":"idle"}'));
    for (const viewer of viewers) viewer.outbox.hold();
    a.outbox.text(patch);
    b.outbox.text(patch);
    c.outbox.text(status); // the same texts, another order
    a.outbox.text(status);
    b.outbox.text('{"t":"warning","message":"own"}');
    c.outbox.text(patch);
    await until(() => viewers.every((viewer) => viewer.received.length === 2));
    expect(a.received).toEqual(['{"t":"patch","version":4}', '{"t":"status","status":"idle"}']);
    expect(b.received).toEqual(['{"t":"patch","version":4}', '{"t":"warning","message":"own"}']);
    expect(c.received).toEqual(['{"t":"status","status":"idle"}', '{"t":"patch","version":4}']);
    expect(new Set(viewers.map((viewer) => viewer.writes[0])).size).toBe(3);
    // Next turn, the same sequence again: joined anew (the tree is per turn), once for both.
    a.outbox.hold();
    c.outbox.hold();
    for (const viewer of [a, c]) viewer.outbox.text(patch);
    for (const viewer of [a, c]) viewer.outbox.text(status);
    await until(() => a.received.length === 4 && c.received.length === 4);
    expect(a.writes[1]).toBe(c.writes[1]);
    expect(a.writes[1]).not.toBe(a.writes[0]);
    expect(Buffer.from(a.writes[1]!).equals(Buffer.from(a.writes[0]!))).toBe(true);
  });

  it("writes nothing once the socket is closing", async () => {
    const viewer = viewers[2]!;
    const closing = new Outbox(viewer.socket, () => false);
    const before = viewer.writes.length;
    closing.text("late");
    closing.hold();
    closing.text("later");
    await new Promise((resolve) => setImmediate(resolve));
    expect(viewer.writes.length).toBe(before);
  });
});
