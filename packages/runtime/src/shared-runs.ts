/**
 * Shared runs: when a source changes, every session that reads it reruns. Sessions whose run
 * inputs are provably identical share ONE run of the script: one of them runs it, and the others
 * adopt its outcome (the page, the widget values and `state` it leaves, the patch serialised once)
 * as if each had run the script itself. This is how one poll serves thousands of viewers of a page.
 *
 * Provably identical means: the same snapshot bytes (widget values, `state`, query and page, as
 * V8 serialises them; a snapshot that left something out never shares), the same signed-in user
 * if the script reads `dash.user` (a run that read it is adopted only by the same user's
 * sessions, and from then on that page's sessions are grouped by user), the same build, and nothing else waiting in either session (`Session.idle`: no run going or
 * asked for, no input, callback, upload or URL change pending, no fragments or forms, last run
 * ended well). Everything else runs alone, as before. So does a group whose shared run did
 * anything the others could not take as theirs: it failed, was cancelled (an input reached the
 * session running it), registered fragments, forms or widget callbacks (closures over that run's
 * objects), or sent a message of its own (a warning, a query update). A session that gets an input while it waits for the shared run splits off: it
 * runs alone with its new input. A change that arrives during a shared run is run again, shared,
 * once it is over.
 *
 * The same author code gives the same page for the same inputs, so what a script computes from
 * other things than its inputs (`Math.random()`, the clock) is computed once for the group.
 */
import { createHash } from "node:crypto";
import type { Patch, ServerMessage } from "./protocol.ts";
import type { Session, SharedOutcome } from "./session.ts";
import type { Run } from "./run.ts";
import { diff, flatten, Ids, type Node, type Page } from "./tree.ts";
import { decodeSnapshot, sameBytes, userKey } from "./cluster/snapshot.ts";

/** A table of node ids takes no new sessions past this many key paths (see `RunSharing.ids`). */
const idsTableLimit = 20_000;

export interface SharingHost {
  /** The session's last snapshot, if it describes the session fully (nothing left out of it). */
  snapshotOf(session: Session): Uint8Array | undefined;
  /**
   * These sessions adopted a shared run that read `run`'s sources and left snapshot `bytes`
   * (sessions on their first run, see `firstRun`, have been sent nothing: the host sends their page).
   */
  adopted(sessions: Session[], run: Run, bytes: Uint8Array): void;
  /** Send one text to the browsers of these sessions (in this order of calls for each session). */
  sendMany(sessions: Session[], text: string, kind: ServerMessage["t"]): void;
  /** Let what was sent so far leave the thread now (the main thread writes it while this one goes on). */
  flush(): void;
}

/**
 * Followers adopting a run are sent their patch this many at a time, each lot as soon as it is
 * ready: the first viewers do not wait for the last follower's adoption, and the main thread
 * writes to their sockets while this thread adopts the next lot.
 */
const sendEvery = 200;

/** How long a session opened from a snapshot waits for others with the same inputs (ms, see `firstRun`): until none came for `openWindow`, at most `openWait`. */
const openWindow = 25;
const openWait = 100;

interface Group {
  leader: Session;
  /** The leader sent a message of its own during the run: the others cannot take the run as theirs. */
  spoiled: boolean;
  /** The sessions' first run (`firstRun`). */
  first: boolean;
}

export class RunSharing {
  /** Sessions in a shared run now (running it or waiting for it), by session id. */
  private readonly busy = new Map<string, Group>();
  /** Sessions asked to rerun while in a shared run: rerun (shared) once it is over. */
  private readonly again = new Set<Session>();
  private table = new Ids();
  /** Sessions opened for a first run, by their inputs, waiting for the window to close (`firstRun`). */
  private readonly opening = new Map<string, Session[]>();
  private openTimer: ReturnType<typeof setTimeout> | null = null;
  private openSince = 0;
  private readonly keys = new WeakMap<Uint8Array, string>();
  /** Pages whose script has read `dash.user` in a shared run: their sessions share only with the same user's. */
  private readonly readsUser = new WeakSet<object>();
  /** Shared runs and the sessions that adopted one (for tests and /metrics). */
  readonly counts = { shared: 0, adopted: 0, alone: 0 };

  constructor(private readonly host: SharingHost) {}

  /**
   * The id table for a new session. Sessions of a worker share one, so the sessions adopting a
   * run share its flattened page and patch too; a table that has grown large (pages with keys
   * that keep changing) takes no new sessions, and goes when its last session does.
   */
  ids(): Ids {
    if (this.table.size > idsTableLimit) this.table = new Ids();
    return this.table;
  }

  /** Rerun these sessions (their data changed): one run per set of sessions with equal inputs. */
  rerun(sessions: Iterable<Session>): void {
    const groups = new Map<string, Session[]>();
    for (const session of sessions) {
      if (this.busy.has(session.id)) {
        this.again.add(session);
        continue;
      }
      const key = this.keyOf(session);
      if (key === null) {
        this.alone(session);
        continue;
      }
      const group = groups.get(key);
      if (group) group.push(session);
      else groups.set(key, [session]);
    }
    for (const group of groups.values()) {
      if (group.length === 1) this.alone(group[0]!);
      else void this.share(group).catch(() => this.failed(group));
    }
  }

  /** A failure of this module itself must not leave sessions waiting: they rerun alone. */
  private failed(group: Session[]): void {
    for (const session of group.slice(1)) {
      this.busy.delete(session.id);
      if (!session.closed) this.alone(session);
    }
    this.busy.delete(group[0]!.id);
  }

  /**
   * A session opened from a snapshot that shows its page only once it has run (a viewer resuming
   * after its server died) makes its first run. The ones opened together (see `openWindow`) with equal
   * inputs (the same snapshot bytes, and the same `inputs`: the hello's query, page, widget
   * values, user) share it: after a replica dies, its viewers come back within a few hundred ms,
   * and those with the same widget values need one run between them. The rest run alone, as
   * does a session that got an input meanwhile.
   */
  firstRun(session: Session, inputs: unknown): void {
    const bytes = this.host.snapshotOf(session);
    if (!bytes) return this.alone(session);
    const key = `${this.hash(bytes)} ${JSON.stringify(inputs)}`;
    const group = this.opening.get(key);
    if (group) group.push(session);
    else this.opening.set(key, [session]);
    // The window closes `openWindow` ms after the last such open (a burst is taken whole), at most `openWait` after the first.
    const now = performance.now();
    if (this.openTimer) clearTimeout(this.openTimer);
    else this.openSince = now;
    this.openTimer = setTimeout(() => this.startOpened(), Math.max(0, Math.min(openWindow, this.openSince + openWait - now)));
  }

  private startOpened(): void {
    this.openTimer = null;
    const groups = [...this.opening.values()];
    this.opening.clear();
    for (const group of groups) {
      // Not yet run, nothing asked for since (an input asks for a run): those share; the others run (have run) alone.
      const waiting = group.filter((session) => !session.closed && session.runs === 0 && session.scheduler.idle);
      if (waiting.length === 1) this.alone(waiting[0]!);
      else if (waiting.length > 1) void this.share(waiting, true).catch(() => this.failed(waiting));
    }
  }

  /** Every message a session sends, by kind: a shared run's leader may only send its page and status. */
  sent(sid: string, kind: ServerMessage["t"]): void {
    const group = this.busy.get(sid);
    if (!group || group.leader.id !== sid || kind === "patch" || kind === "full" || kind === "status") return;
    // (A first run's leader is sent its page once the run is over, with its query: not the run's doing.)
    if (group.first && !group.leader.scheduler.run) return;
    group.spoiled = true;
  }

  private alone(session: Session): void {
    this.counts.alone++;
    session.scheduler.request({});
  }

  /** A snapshot's hash (kept with the bytes: a snapshot is hashed once however many reruns group by it). */
  private hash(bytes: Uint8Array): string {
    let key = this.keys.get(bytes);
    if (key === undefined) this.keys.set(bytes, (key = createHash("sha1").update(bytes).digest("base64")));
    return key;
  }

  private keyOf(session: Session): string | null {
    if (!session.idle()) return null;
    const bytes = this.host.snapshotOf(session);
    if (!bytes) return null;
    const key = this.hash(bytes);
    const user = this.readsUser.has(session.script) ? session.user : null;
    return user ? `${key} ${userKey(user)}` : key;
  }

  /**
   * Do these two sessions have provably the same run inputs now (the user too, if `run` read it)?
   * `first`: `a` has not run yet (grouped by its opening inputs) and nothing has been asked of it since.
   */
  private same(a: Session, b: Session, bytes: Uint8Array, run: Run, first: boolean): boolean {
    const untouched = first ? a.runs === 0 && a.scheduler.idle : a.idle();
    if (!untouched || a.app !== b.app) return false;
    if (run.readsUser && ((a.user?.sub ?? null) !== (b.user?.sub ?? null) || a.user?.email !== b.user?.email)) return false;
    const own = this.host.snapshotOf(a);
    return own !== undefined && sameBytes(own, bytes);
  }

  /** One run for `sessions` (their first, if `first`: see `firstRun`), adopted by all but the one making it. */
  private async share(sessions: Session[], first = false): Promise<void> {
    const [leader, ...followers] = sessions as [Session, ...Session[]];
    const before = this.host.snapshotOf(leader)!;
    const group: Group = { leader, spoiled: false, first };
    for (const session of sessions) this.busy.set(session.id, group);
    let run: Run | null = null;
    try {
      run = await leader.rerunNow();
    } catch {
      run = null; // (a failure in the runtime itself: the session shows it; the others run alone)
    }
    for (const session of sessions) this.busy.delete(session.id);
    const after = this.host.snapshotOf(leader);
    const good =
      run !== null &&
      !group.spoiled &&
      !run.cancelled &&
      !run.fragment &&
      run.fragmentsSeen.size === 0 &&
      leader.tree === run.root &&
      leader.lastError === null &&
      after !== undefined &&
      // (A form's nodes, or a callback's closure over the run's own objects, would be the leader's in the others.)
      ![...leader.values.records.values()].some((record) => record.spec.kind === "form" || record.spec.onChange);
    this.counts.shared++;
    if (run?.readsUser) this.readsUser.add(leader.script);
    const outcome = good ? sharedOutcome() : null;
    const adopted: Session[] = [];
    // A run that left the snapshot as it was (new data, the same values: the usual case) leaves
    // each follower its own values as they are: nothing to decode for each.
    const unchanged = after !== undefined && sameBytes(before, after);
    // Each text once, to all its sessions. (Followers get no status: they were never told a run was
    // going. A first run's followers show nothing yet: they are sent their page whole once adopted, see `adopted`.)
    const sendOut = (): void => {
      if (first) return void outcome!.outbox.clear();
      for (const [kind, texts] of outcome!.outbox) for (const [text, sessions] of texts) this.host.sendMany(sessions, text, kind);
      outcome!.outbox.clear();
      this.host.flush();
    };
    for (const follower of followers) {
      if (follower.closed) continue;
      if (!outcome || !this.same(follower, leader, before, run!, first) || follower.app !== leader.app) {
        if (!this.busy.has(follower.id)) this.alone(follower);
        continue;
      }
      follower.adopt(leader, run!, unchanged ? null : decodeSnapshot(after!), outcome);
      adopted.push(follower);
      if (adopted.length % sendEvery === 0) sendOut();
    }
    if (outcome && adopted.length) {
      sendOut();
      this.host.adopted(adopted, run!, after!);
      this.counts.adopted += adopted.length;
    }
    const again = sessions.filter((session) => this.again.delete(session) && !session.closed);
    if (again.length) this.rerun(again);
  }
}

/** What the sessions adopting one run compute once between them, and the texts they are sent. */
function sharedOutcome(): SharedOutcome & { outbox: Map<ServerMessage["t"], Map<string, Session[]>> } {
  const pages = new Map<Ids, Page>();
  const patches = new Map<Page, Map<Page, Patch | null>>();
  const texts = new Map<unknown, Map<number, string>>();
  const outbox = new Map<ServerMessage["t"], Map<string, Session[]>>();
  const textOf = (message: ServerMessage): string => {
    const key = message.t === "patch" ? message.patch : message.t === "status" ? message.status : message;
    const base = message.t === "patch" ? message.base : 0;
    let byBase = texts.get(key);
    if (!byBase) texts.set(key, (byBase = new Map()));
    let text = byBase.get(base);
    if (text === undefined) byBase.set(base, (text = JSON.stringify(message)));
    return text;
  };
  return {
    outbox,
    page(ids: Ids, tree: Node): Page {
      let page = pages.get(ids);
      if (!page) pages.set(ids, (page = flatten(tree, ids)));
      return page;
    },
    patch(before: Page, page: Page): Patch | null {
      let byBefore = patches.get(page);
      if (!byBefore) patches.set(page, (byBefore = new Map()));
      let patch = byBefore.get(before);
      if (patch === undefined) byBefore.set(before, (patch = diff(before, page)));
      return patch;
    },
    send(session: Session, message: ServerMessage): void {
      const text = textOf(message);
      let byText = outbox.get(message.t);
      if (!byText) outbox.set(message.t, (byText = new Map()));
      const sessions = byText.get(text);
      if (sessions) sessions.push(session);
      else byText.set(text, [session]);
    },
  };
}
