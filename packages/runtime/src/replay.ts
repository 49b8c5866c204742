/**
 * Inputs a script worker may not have acted on yet, kept by the main thread so that a worker
 * that is replaced (stopped by the watchdog, or out of memory) loses none of them.
 *
 * Every message to a worker carries a number from one counter. The worker records the number of
 * the last one it handled (in shared memory, so it can be read after the worker froze) and sends
 * it with each snapshot: inputs up to it are in the snapshot and are forgotten here. When a
 * worker is replaced, its sessions reopen from their snapshots and get the inputs after them
 * again, in order: a viewer who typed while the worker was frozen loses nothing. The session
 * that brought the worker down is replayed only what arrived after the input it was running.
 */
import type { ClientMessage } from "./protocol.ts";

/** Messages that change what a session shows (not pings, visibility or resync requests). */
const inputs = new Set<ClientMessage["t"]>(["set", "click", "submit", "nav", "clearUpload"]);
/** A session that never completes a run keeps at most this many (the newest). */
const keepAtMost = 500;

export class InputLog {
  private last = 0;
  private readonly bySession = new Map<string, { seq: number; message: ClientMessage }[]>();

  /** Number a message about to be posted to a worker (and keep it if it is an input). */
  note(sid: string, message: ClientMessage): number {
    const seq = ++this.last;
    if (!inputs.has(message.t)) return seq;
    let list = this.bySession.get(sid);
    if (!list) this.bySession.set(sid, (list = []));
    list.push({ seq, message });
    if (list.length > keepAtMost) list.splice(0, list.length - keepAtMost);
    return seq;
  }

  /** A snapshot of `sid` taken after the worker handled message `seq`: what came before is in it. */
  covered(sid: string, seq: number): void {
    const list = this.bySession.get(sid);
    if (!list) return;
    const kept = list.filter((entry) => entry.seq > seq);
    if (kept.length) this.bySession.set(sid, kept);
    else this.bySession.delete(sid);
  }

  /** The inputs of `sid` after message `after`, oldest first (and forgets them: they go to a new worker). */
  take(sid: string, after = 0): ClientMessage[] {
    const list = this.bySession.get(sid) ?? [];
    this.bySession.delete(sid);
    return list.filter((entry) => entry.seq > after).map((entry) => entry.message);
  }

  forget(sid: string): void {
    this.bySession.delete(sid);
  }

  /** Inputs kept for `sid` (for tests). */
  size(sid: string): number {
    return this.bySession.get(sid)?.length ?? 0;
  }
}
