/**
 * The limits of one WebSocket (see limits.ts): a small message bound until the viewer has said
 * hello and a larger one after, a message rate, a time to say hello in, and a share of its client
 * address's sessions. Every refusal closes the socket with a reason the page shows.
 */
import type { WebSocket } from "ws";
import { metrics } from "../metrics.ts";
import { MessageRate, sizeText, type EdgeLimits } from "./limits.ts";

/** Close codes: 1008 "policy violation", 1009 "message too big" (RFC 6455). */
const policy = 1008;
const tooBig = 1009;

/** What the edge needs from the script host to make room for a session. */
export interface SessionKeeper {
  /** Is this session still kept (connected, or waiting for a reconnect)? */
  has(sid: string): boolean;
  /** End this session now. */
  end(sid: string): void;
}

/**
 * Sessions by client address, oldest first. A hello that would make one too many ends the
 * address's oldest disconnected session (a reload, a reconnect loop, a script saying hello 2,000
 * times); when every one is connected, the hello is refused.
 */
export class AddressSessions {
  private readonly byAddress = new Map<string, Set<string>>();
  /** Open sockets per session. */
  private readonly live = new Map<string, number>();
  /** Hellos under way per address (a session is made asynchronously). */
  private readonly starting = new Map<string, number>();

  constructor(
    private readonly limit: number,
    private readonly host: SessionKeeper,
  ) {}

  /** May `address` start a session now (or resume `resuming`)? Makes room if it can. */
  admit(address: string, resuming: string | undefined): boolean {
    const sids = this.byAddress.get(address) ?? new Set<string>();
    for (const sid of sids) if (!this.host.has(sid)) sids.delete(sid);
    if (resuming && sids.has(resuming) && !this.live.get(resuming)) return true;
    const starting = this.starting.get(address) ?? 0;
    let room = sids.size + starting < this.limit;
    for (const sid of sids) {
      if (room) break;
      if (this.live.get(sid)) continue;
      this.host.end(sid);
      sids.delete(sid);
      room = true;
    }
    if (room) this.starting.set(address, starting + 1);
    if (sids.size) this.byAddress.set(address, sids);
    else this.byAddress.delete(address);
    return room;
  }

  /** The hello admitted for `address` has its session (or failed: null). */
  started(address: string, sid: string | null): void {
    const starting = (this.starting.get(address) ?? 1) - 1;
    if (starting > 0) this.starting.set(address, starting);
    else this.starting.delete(address);
    if (sid === null) return;
    this.live.set(sid, (this.live.get(sid) ?? 0) + 1);
    if (![...this.byAddress.values()].some((sids) => sids.has(sid))) {
      const sids = this.byAddress.get(address) ?? new Set<string>();
      this.byAddress.set(address, sids.add(sid));
    }
  }

  /** A socket of `sid` closed. */
  left(sid: string): void {
    const live = (this.live.get(sid) ?? 1) - 1;
    if (live > 0) this.live.set(sid, live);
    else this.live.delete(sid);
  }

  /** Sessions counted for `address` (for tests and metrics). */
  count(address: string): number {
    return this.byAddress.get(address)?.size ?? 0;
  }
}

/**
 * ws bounds message size per server (`maxPayload`), checked from a frame's header before its
 * payload is read. The bound is changed per socket here, before and after hello, on the receiver
 * ws keeps for the socket; without that receiver (another ws), the size is still checked per
 * message, after it arrived.
 */
function receiverOf(ws: WebSocket): { _maxPayload?: number; prependListener?: (event: "error", listener: (error: Error) => void) => void } | undefined {
  return (ws as unknown as { _receiver?: ReturnType<typeof receiverOf> })._receiver;
}

export class SocketLimits {
  private said = false;
  private readonly rate: MessageRate;
  private readonly helloTimer: ReturnType<typeof setTimeout>;

  constructor(
    private readonly ws: WebSocket,
    private readonly limits: EdgeLimits,
    private readonly address: string,
    private readonly sessions: AddressSessions,
  ) {
    this.rate = new MessageRate(limits.messagesPerSecond);
    this.bound(limits.helloBytes);
    // ws closes an oversized frame with 1009 and no reason: give it one first.
    receiverOf(ws)?.prependListener?.("error", (error) => {
      if (/payload size/i.test(error.message)) this.close(tooBig, this.tooLargeReason());
    });
    this.helloTimer = setTimeout(() => this.close(policy, `no hello within ${limits.helloTimeout / 1000} s`), limits.helloTimeout);
    this.helloTimer.unref();
  }

  private bound(bytes: number): void {
    const receiver = receiverOf(this.ws);
    if (receiver && typeof receiver._maxPayload === "number") receiver._maxPayload = bytes;
  }

  private tooLargeReason(): string {
    return this.said
      ? `message too large (limit ${sizeText(this.limits.messageBytes)})`
      : `message too large before hello (limit ${sizeText(this.limits.helloBytes)})`;
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    metrics.refused.inc({ reason: reason.replace(/ \(.*$/, "") });
    this.ws.close(code, reason);
  }

  /** May this message be handled? If not, the socket is closing with the reason. */
  admit(size: number, upload: boolean): boolean {
    if (size > (this.said ? this.limits.messageBytes : this.limits.helloBytes)) {
      this.close(tooBig, this.tooLargeReason());
      return false;
    }
    // Upload chunks are bounded by size (and TCP), not counted as messages.
    if (!upload && !this.rate.take()) {
      this.close(policy, `too many messages (limit ${this.limits.messagesPerSecond} per second)`);
      return false;
    }
    return true;
  }

  /** A hello wants a session (new, or `resuming` this one): false, and the socket closing, if refused. */
  hello(resuming: string | undefined): boolean {
    if (this.sessions.admit(this.address, resuming)) return true;
    this.close(policy, `too many sessions from your address (limit ${this.limits.sessionsPerAddress})`);
    return false;
  }

  /** The hello's session started (or could not: null): larger messages from here on. */
  started(sid: string | null): void {
    this.sessions.started(this.address, sid);
    if (sid === null) return;
    this.said = true;
    clearTimeout(this.helloTimer);
    this.bound(this.limits.messageBytes);
  }

  /** The socket closed (with the session it had, if any). */
  closed(sid: string | null): void {
    clearTimeout(this.helloTimer);
    if (sid) this.sessions.left(sid);
  }
}
