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

/** One client address's sessions, oldest first, and its hellos under way. */
interface Share {
  sids: Set<string>;
  /** Hellos under way (a session is made asynchronously). */
  starting: number;
  /** `sids.size` after its last sweep for ended sessions (see `sweep`). */
  swept: number;
}

/**
 * Sessions by client address, oldest first. A hello that would make one too many ends the
 * address's oldest disconnected session (a reload, a reconnect loop, a script saying hello 2,000
 * times); when every one is connected, the hello is refused.
 *
 * Each hello costs O(1) however many sessions its address has: sessions the host ended (expired,
 * taken over) are swept out only when the address is at its limit, or when its set has doubled
 * since the last sweep (amortised O(1)), not on every hello.
 */
export class AddressSessions {
  private readonly byAddress = new Map<string, Share>();
  /** The address each counted session is counted under. */
  private readonly addressOf = new Map<string, string>();
  /** Open sockets per session. */
  private readonly live = new Map<string, number>();

  constructor(
    private readonly limit: number,
    private readonly host: SessionKeeper,
  ) {}

  /** May `address` start a session now (or resume `resuming`)? Makes room if it can. */
  admit(address: string, resuming: string | undefined): boolean {
    let share = this.byAddress.get(address);
    if (!share) this.byAddress.set(address, (share = { sids: new Set(), starting: 0, swept: 0 }));
    if (resuming && share.sids.has(resuming) && !this.live.get(resuming) && this.host.has(resuming)) return true;
    const full = (): boolean => share.sids.size + share.starting >= this.limit;
    if (full() || share.sids.size >= 2 * share.swept + 16) this.sweep(share);
    let room = !full();
    for (const sid of share.sids) {
      if (room) break;
      if (this.live.get(sid)) continue;
      this.host.end(sid);
      this.forget(share, sid);
      room = true;
    }
    if (room) share.starting++;
    else if (!share.sids.size && !share.starting) this.byAddress.delete(address);
    return room;
  }

  /** Drop the sessions the host no longer keeps. */
  private sweep(share: Share): void {
    for (const sid of share.sids) if (!this.host.has(sid)) this.forget(share, sid);
    share.swept = share.sids.size;
  }

  private forget(share: Share, sid: string): void {
    share.sids.delete(sid);
    this.addressOf.delete(sid);
  }

  /** The hello admitted for `address` has its session (or failed: null). */
  started(address: string, sid: string | null): void {
    const share = this.byAddress.get(address);
    if (share) share.starting = Math.max(0, share.starting - 1);
    if (sid !== null) {
      this.live.set(sid, (this.live.get(sid) ?? 0) + 1);
      // (A session resumed from another address stays counted where it started.)
      if (share && !this.addressOf.has(sid)) {
        share.sids.add(sid);
        this.addressOf.set(sid, address);
      }
    }
    if (share && !share.sids.size && !share.starting) this.byAddress.delete(address);
  }

  /** A socket of `sid` closed. */
  left(sid: string): void {
    const live = (this.live.get(sid) ?? 1) - 1;
    if (live > 0) this.live.set(sid, live);
    else this.live.delete(sid);
  }

  /** Sessions counted for `address` that the host still keeps (for tests and metrics). */
  count(address: string): number {
    const share = this.byAddress.get(address);
    if (share) this.sweep(share);
    return share?.sids.size ?? 0;
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
