/**
 * The server's WebSocket heartbeat: each socket is pinged once per interval (25 s), which keeps
 * traffic flowing through proxies' and load balancers' idle timeouts, and a socket that has not
 * answered its last ping by its next turn is closed (a dead peer or network path): within two
 * intervals of going silent.
 *
 * The sockets are spread over the interval, each at its own phase (the order they came in, over
 * `slots` turns), not all pinged at once: at 10,000 viewers one ping each at the same moment is
 * ~0.3 s of the main thread's time in one piece (a kernel send per socket), which delays every
 * frame due meanwhile; spread over 100 turns it is 100 pings every 250 ms.
 */
import type { WebSocket } from "ws";

export class Keepalive {
  private readonly slots: Set<WebSocket>[];
  /** Sockets that answered their last ping (or have not been pinged yet). */
  private readonly answered = new WeakSet<WebSocket>();
  private joined = 0;
  private turn = 0;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(every = 25_000, slots = 100) {
    this.slots = Array.from({ length: slots }, () => new Set());
    this.timer = setInterval(() => this.beat(), every / slots);
    this.timer.unref();
  }

  /** Watch a socket that just opened. */
  add(ws: WebSocket): void {
    const slot = this.slots[this.joined++ % this.slots.length]!;
    slot.add(ws);
    this.answered.add(ws);
    ws.on("pong", () => this.answered.add(ws));
    ws.once("close", () => slot.delete(ws));
  }

  /** This turn's sockets: close those that did not answer, ping the others. */
  private beat(): void {
    const slot = this.slots[this.turn]!;
    this.turn = (this.turn + 1) % this.slots.length;
    for (const ws of slot) {
      if (!this.answered.delete(ws)) ws.terminate();
      else ws.ping();
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
