/**
 * Notices a server that stopped answering while its socket stays open (a stopped or overloaded
 * process, a dead network path): the browser sees no close then, and the page said "Connected".
 * A ping goes out when the last one was answered; the server's main thread answers it (a busy
 * script worker does not delay the answer). Silent for `silentAfter`: the page says it is
 * reconnecting and holds inputs; any message: connected again, inputs sent. Silent for
 * `lostAfter`: the socket is given up and a new one opened (the session resumes).
 */
export interface HeartbeatEvents {
  silent(): void;
  heard(): void;
  lost(): void;
}

export class Heartbeat {
  private waitingSince: number | null = null;
  private silent = false;

  constructor(
    /** Send a ping now; false when there is no connection to ping. */
    private readonly ping: (at: number) => boolean,
    private readonly on: HeartbeatEvents,
    private readonly limits = { silentAfter: 4000, lostAfter: 60_000 },
  ) {}

  /** Any message arrived from the server. */
  heard(): void {
    this.waitingSince = null;
    if (!this.silent) return;
    this.silent = false;
    this.on.heard();
  }

  /** A new socket: nothing is awaited yet. */
  reset(): void {
    this.waitingSince = null;
    this.silent = false;
  }

  /** Called about once a second. */
  tick(now = Date.now()): void {
    if (this.waitingSince === null) {
      if (this.ping(now)) this.waitingSince = now;
      return;
    }
    const quiet = now - this.waitingSince;
    if (quiet > this.limits.lostAfter) {
      this.reset();
      this.on.lost();
    } else if (quiet > this.limits.silentAfter && !this.silent) {
      this.silent = true;
      this.on.silent();
    }
  }
}
