/**
 * What the server writes to a viewer's WebSocket, made cheap for one text going to thousands of
 * sockets (a shared run's patch, see shared-runs.ts).
 *
 * - A `SharedText` (deliver.ts) is the same message for many sockets: it is framed once (the
 *   WebSocket header and the payload in one buffer, RFC 6455 §5.2: a server's frames are not
 *   masked), and that one buffer is written to every socket as it is, no copy per socket.
 * - What a socket is sent while it is held (a run's data frames, patch and status) leaves in one
 *   write at the end of the turn; a sequence of shared frames that many sockets get alike (the
 *   patches of shared runs that ended in the same turn) is joined once for all of them. The held sockets are flushed in the order they
 *   were held, in one pass, not one callback per socket.
 *
 * The frames go to the socket beside ws's own writer, which writes synchronously too as long as it
 * compresses nothing (the server has no permessage-deflate) and sends no Blob (dash sends none), so
 * the order of frames holds. Nothing is written once ws has begun closing the socket.
 */
import type { Socket } from "node:net";
import type { SharedText } from "../deliver.ts";

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

/**
 * Sequences of shared texts held this turn, as a tree by text: sockets held with the same texts
 * in the same order (patches of shared runs that ended in the same turn) end at the same node, whose joined
 * buffer is made once and written to each of them.
 */
interface Joined {
  next: Map<SharedText, Joined> | null;
  buffer: Buffer | null;
}

const sequence = (): Joined => ({ next: null, buffer: null });

function after(node: Joined, text: SharedText): Joined {
  let next = node.next?.get(text);
  if (!next) (node.next ??= new Map()).set(text, (next = sequence()));
  return next;
}

/** Outboxes held this turn, flushed together once it ends, and their sequences' tree. */
let heldNow: Outbox[] = [];
let sequences = sequence();

function flushHeld(): void {
  const outboxes = heldNow;
  heldNow = [];
  sequences = sequence();
  for (const outbox of outboxes) outbox.flush();
}

export class Outbox {
  private held: Uint8Array[] | null = null;
  /** Where the shared texts held so far lead in this turn's tree (null: something of its own was held). */
  private path: Joined | null = null;

  /** `open()`: may frames still be written (ws is not closing the socket)? */
  constructor(
    private readonly socket: Socket,
    private readonly open: () => boolean,
  ) {}

  /** A text frame: a string for this socket alone, or a text that many sockets are sent alike. */
  text(text: string | SharedText): void {
    if (typeof text !== "string") {
      const framed = (text.framed ??= frame(text.bytes, false));
      if (!this.held) return this.write(framed);
      this.held.push(framed);
      if (this.path) this.path = after(this.path, text);
      return;
    }
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
    this.path = sequences;
    if (!heldNow.length) process.nextTick(flushHeld);
    heldNow.push(this);
  }

  /** A frame of this socket's own (with its payload after it, if that is large). */
  private write(first: Uint8Array, payload?: Uint8Array): void {
    if (this.held) {
      this.held.push(first);
      if (payload) this.held.push(payload);
      this.path = null;
    } else if (this.open() && this.socket.writable) {
      if (!payload) this.socket.write(first);
      else this.writeAll([first, payload]);
    }
  }

  private writeAll(buffers: Uint8Array[]): void {
    this.socket.cork();
    for (const buffer of buffers) this.socket.write(buffer);
    this.socket.uncork();
  }

  /** Write what was held (see `flushHeld`). */
  flush(): void {
    const held = this.held ?? [];
    const path = this.path;
    this.held = this.path = null;
    if (!held.length || !this.open() || !this.socket.writable) return;
    if (held.length === 1) this.socket.write(held[0]!);
    else if (!path) this.writeAll(held);
    // Shared texts only: the same sequence for many sockets is joined once.
    else this.socket.write((path.buffer ??= Buffer.concat(held)));
  }
}
