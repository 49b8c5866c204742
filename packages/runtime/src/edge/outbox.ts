/**
 * What the server writes to a viewer's WebSocket, made cheap for one text going to thousands of
 * sockets (a shared run's patch, see shared-runs.ts).
 *
 * - A text given as a Buffer is the same message for many sockets: it is framed once (the
 *   WebSocket header and the payload in one buffer, RFC 6455 §5.2: a server's frames are not
 *   masked), and that one buffer is written to every socket as it is, no copy per socket.
 * - What a socket is sent while it is held (a run's data frames, patch and status) leaves in one
 *   write at the end of the turn; a sequence of shared frames that many sockets get alike (patch,
 *   then status) is joined once for all of them. The held sockets are flushed in the order they
 *   were held, in one pass, not one callback per socket.
 *
 * The frames go to the socket beside ws's own writer, which writes synchronously too as long as it
 * compresses nothing (the server has no permessage-deflate) and sends no Blob (dash sends none), so
 * the order of frames holds. Nothing is written once ws has begun closing the socket.
 */
import type { Socket } from "node:net";

/** The header of an unmasked, final WebSocket frame (text or binary) of `length` bytes. */
function header(length: number, binary: boolean, room = 0): Buffer {
  const size = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const out = Buffer.allocUnsafe(size + room);
  out[0] = 0x80 | (binary ? 0x2 : 0x1);
  if (length < 126) out[1] = length;
  else if (length < 65_536) {
    out[1] = 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = 127;
    out.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    out.writeUInt32BE(length >>> 0, 6);
  }
  return out;
}

/** A small frame in one buffer (header and payload copied together). */
export function frame(payload: Uint8Array, binary: boolean): Buffer {
  const out = header(payload.byteLength, binary, payload.byteLength);
  out.set(payload, out.length - payload.byteLength);
  return out;
}

/** Payloads from this size on are written after their header as they are, not copied into one buffer. */
const copyBelow = 16 * 1024;

/** Frames of shared texts, by the Buffer holding the text (one per fan-out), and their ids. */
const sharedFrames = new WeakMap<Buffer, Buffer>();
const frameIds = new WeakMap<Buffer, number>();
let nextFrameId = 1;

function sharedFrame(text: Buffer): Buffer {
  let framed = sharedFrames.get(text);
  if (!framed) {
    framed = frame(text, false);
    sharedFrames.set(text, framed);
    frameIds.set(framed, nextFrameId++);
  }
  return framed;
}

/** Outboxes held this turn, flushed together once it ends. */
let heldNow: Outbox[] = [];

function flushHeld(): void {
  const outboxes = heldNow;
  heldNow = [];
  // Sockets that get the same shared frames in the same order get one joined buffer.
  const joined = new Map<string, Buffer>();
  for (const outbox of outboxes) outbox.flush(joined);
}

export class Outbox {
  private held: Uint8Array[] | null = null;

  /** `open()`: may frames still be written (ws is not closing the socket)? */
  constructor(
    private readonly socket: Socket,
    private readonly open: () => boolean,
  ) {}

  /** A text frame: a string for this socket alone, or a Buffer that many sockets are sent alike. */
  text(text: string | Buffer): void {
    if (typeof text !== "string") return this.write(sharedFrame(text));
    const payload = Buffer.from(text);
    if (payload.length < copyBelow) this.write(frame(payload, false));
    else this.write(header(payload.length, false), payload);
  }

  binary(data: Uint8Array): void {
    if (data.byteLength < copyBelow) this.write(frame(data, true));
    else this.write(header(data.byteLength, true), data);
  }

  /** Keep what is sent until the end of this turn, then write it at once. */
  hold(): void {
    if (this.held) return;
    this.held = [];
    if (!heldNow.length) process.nextTick(flushHeld);
    heldNow.push(this);
  }

  private write(...buffers: Uint8Array[]): void {
    if (this.held) this.held.push(...buffers);
    else if (this.open() && this.socket.writable) this.writeAll(buffers);
  }

  private writeAll(buffers: Uint8Array[]): void {
    if (buffers.length === 1) return void this.socket.write(buffers[0]!);
    this.socket.cork();
    for (const buffer of buffers) this.socket.write(buffer);
    this.socket.uncork();
  }

  /** Write what was held (see `flushHeld`). */
  flush(joined: Map<string, Buffer>): void {
    const held = this.held ?? [];
    this.held = null;
    if (!held.length || !this.open() || !this.socket.writable) return;
    const ids = held.length > 1 ? held.map((buffer) => frameIds.get(buffer as Buffer)) : [];
    if (!ids.length || ids.some((id) => id === undefined)) return this.writeAll(held);
    // Shared frames only: the same sequence for many sockets is joined once.
    const key = ids.join(",");
    let buffer = joined.get(key);
    if (!buffer) joined.set(key, (buffer = Buffer.concat(held)));
    this.socket.write(buffer);
  }
}
