/**
 * Shared runs (packages/runtime/src/shared-runs.ts): sessions with equal inputs share one rerun
 * when their data changes; any difference in inputs runs alone. Real sessions, real widgets.
 */
import { describe, expect, it } from "vitest";
import type { ServerMessage } from "@dash/runtime/protocol.ts";
import { Session, type SessionHost } from "@dash/runtime/session.ts";
import { RunSharing } from "@dash/runtime/shared-runs.ts";
import { encodeSnapshot } from "@dash/runtime/cluster/snapshot.ts";
import { applyPatch } from "@dash/runtime/patch.ts";
import type { Page } from "@dash/runtime/tree.ts";
import { scriptApi } from "@dash/widgets";
import { onePage } from "../support/app.ts";

const dash = scriptApi() as {
  slider(label: string, options: { min: number; max: number; value: number; onChange?: (value: number) => void }): number;
  text(body: string): void;
  state: Record<string, unknown>;
  user: { email: string } | null;
  warning(body: string): void;
};

/** The data every session reads (a source's value), and how many times the script ran. */
let data = 0;
let runs = 0;
let readUser = false;
let withCallback = false;
const app = onePage(async () => {
  runs++;
  await Promise.resolve();
  const seen: number[] = [];
  const n = dash.slider("N", { min: 0, max: 10, value: 1, ...(withCallback ? { onChange: (v: number) => seen.push(v) } : {}) });
  dash.state.seen = n;
  dash.text(`n=${n} data=${data}${readUser ? ` user=${dash.user?.email ?? "-"}` : ""}`);
});

/** A worker's sessions, each with a browser that applies what it is sent. */
function worker() {
  const snapshots = new Map<string, Uint8Array>();
  const sessions: Session[] = [];
  const pages = new Map<string, { page: Page; version: number; messages: ServerMessage[] }>();
  const receivers = new Map<string, (message: ServerMessage) => void>();
  /** The texts sent to many sessions at once, with how many sessions each went to. */
  const many: { kind: string; count: number }[] = [];
  /** What the browsers had been sent each time the sharing let its messages leave (`flush`). */
  const flushes: { sent: number }[] = [];
  const sharing = new RunSharing({
    snapshotOf: (session) => snapshots.get(session.id),
    adopted: (adopted, _run, bytes) => {
      for (const session of adopted) snapshots.set(session.id, bytes);
    },
    sendMany: (adopted, text, kind) => {
      many.push({ kind, count: adopted.length });
      for (const session of adopted) receivers.get(session.id)!(JSON.parse(text) as ServerMessage);
    },
    flush: () => flushes.push({ sent: many.reduce((sum, m) => sum + (m.kind === "patch" ? m.count : 0), 0) }),
  });
  const open = (user: { sub: string; email: string } | null = null): Session => {
    const sid = `s${sessions.length}`;
    const browser = { page: new Map() as Page, version: 0, messages: [] as ServerMessage[] };
    pages.set(sid, browser);
    const receive = (message: ServerMessage): void => {
      browser.messages.push(message);
      if (message.t === "full") {
        browser.page = new Map(Object.entries(message.nodes).map(([id, node]) => [Number(id), node]));
        browser.version = message.version;
      }
      if (message.t === "patch") {
        expect(message.base).toBe(browser.version);
        applyPatch(browser.page, message.patch);
        browser.version = message.version;
      }
    };
    const host: SessionHost = {
      send: (message) => {
        sharing.sent(sid, message.t);
        receive(message);
      },
      sendBinary: () => {},
      snapshot: (snapshot) => {
        const encoded = encodeSnapshot(snapshot);
        if (encoded) snapshots.set(sid, encoded.bytes);
      },
    };
    receivers.set(sid, receive);
    const session = new Session(sid, host, app, { ids: sharing.ids(), user: user ? { ...user, name: user.email, groups: [], claims: {} } : null });
    session.attach(undefined);
    sessions.push(session);
    return session;
  };
  /** What a browser shows: its texts. */
  const shows = (session: Session): string[] =>
    [...pages.get(session.id)!.page.values()].filter((node) => node.type === "text").map((node) => String(node.props.body ?? node.props.text));
  return { sharing, open, shows, sessions, pages, many, flushes };
}

const settle = async (sessions: Session[]): Promise<void> => {
  for (let i = 0; i < 50 && sessions.some((s) => s.scheduler.run || !s.idle()); i++) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe("shared runs", () => {
  it("sessions with the same inputs share one run; each browser gets the page, state and snapshot it would have had", async () => {
    const w = worker();
    const [a, b, c] = [w.open(), w.open(), w.open()];
    for (const s of [a, b, c]) s.scheduler.request({});
    await settle(w.sessions);
    data = 1;
    runs = 0;
    w.sharing.rerun([a, b, c]);
    await settle(w.sessions);
    expect(runs).toBe(1);
    for (const s of [a, b, c]) {
      expect(w.shows(s)).toEqual(["n=1 data=1"]);
      expect(s.values.state.seen).toBe(1);
    }
    expect(b.values.state).not.toBe(a.values.state); // each session's own copy
    expect(w.sharing.counts).toMatchObject({ shared: 1, adopted: 2 });
    // New data, the same values (the snapshot unchanged): each follower keeps its own values, nothing decoded for it.
    const own = b.values.state;
    data = 1.5;
    w.sharing.rerun([a, b, c]);
    await settle(w.sessions);
    expect(w.shows(b)).toEqual(["n=1 data=1.5"]);
    expect(b.values.state).toBe(own);
    expect(w.sharing.counts).toMatchObject({ shared: 2, adopted: 4 });
    // The followers' patch is the leader's, serialised once: the same text reaches each.
    const last = (s: Session) =>
      JSON.stringify(
        w.pages
          .get(s.id)!
          .messages.filter((m) => m.t === "patch")
          .at(-1),
      );
    expect(last(b)).toBe(last(c));
  });

  it("a large group's patch leaves in lots as the followers adopt: the first viewers do not wait for the last", async () => {
    const w = worker();
    for (let i = 0; i < 451; i++) w.open().scheduler.request({});
    await settle(w.sessions);
    data = 40;
    runs = 0;
    w.many.length = 0;
    w.sharing.rerun(w.sessions);
    await settle(w.sessions);
    expect(runs).toBe(1);
    // 450 followers: their patch goes out after 200, 400 and 450 adoptions, each lot let go at once.
    // No status: a follower's browser was never told a run was going (one frame per viewer, not two).
    expect(w.many).toEqual([200, 200, 50].map((count) => ({ kind: "patch", count })));
    expect(w.flushes.map((f) => f.sent)).toEqual([200, 400, 450]);
    for (const s of w.sessions) expect(w.shows(s)).toEqual(["n=1 data=40"]);
    const since = (s: Session) =>
      w.pages
        .get(s.id)!
        .messages.slice(-2)
        .map((m) => m.t);
    expect(since(w.sessions[0]!)).toEqual(["patch", "status"]); // the leader ran it: its own status
    expect(since(w.sessions[1]!).at(-1)).toBe("patch");
  });

  it("different inputs run separately; a widget change splits a session off", async () => {
    const w = worker();
    const [a, b, c] = [w.open(), w.open(), w.open()];
    for (const s of [a, b, c]) s.scheduler.request({});
    await settle(w.sessions);
    c.receive({ t: "set", id: "slider:N", value: 7 });
    await settle(w.sessions);
    data = 2;
    runs = 0;
    w.sharing.rerun([a, b, c]);
    await settle(w.sessions);
    expect(runs).toBe(2); // a and b share; c alone
    expect(w.shows(a)).toEqual(["n=1 data=2"]);
    expect(w.shows(c)).toEqual(["n=7 data=2"]);

    // b moves its slider while a runs for both: b runs alone with its value, a keeps its own.
    data = 3;
    runs = 0;
    w.sharing.rerun([a, b]);
    b.receive({ t: "set", id: "slider:N", value: 4 });
    await settle(w.sessions);
    expect(runs).toBe(2);
    expect(w.shows(a)).toEqual(["n=1 data=3"]);
    expect(w.shows(b)).toEqual(["n=4 data=3"]);
    expect(b.values.state.seen).toBe(4);
  });

  it("different signed-in users share a run while the script does not read dash.user; once it does, only the same user's sessions share", async () => {
    readUser = false;
    const w = worker();
    const ada = w.open({ sub: "1", email: "ada@example.com" });
    const eve = w.open({ sub: "2", email: "eve@example.com" });
    for (const s of w.sessions) s.scheduler.request({});
    await settle(w.sessions);
    data = 8;
    runs = 0;
    w.sharing.rerun(w.sessions);
    await settle(w.sessions);
    expect(runs).toBe(1);
    expect(w.shows(eve)).toEqual(["n=1 data=8"]);
    readUser = true; // a new build of the script that greets the viewer, say
    data = 9;
    runs = 0;
    w.sharing.rerun(w.sessions);
    await settle(w.sessions);
    await settle(w.sessions);
    expect(runs).toBe(2); // Ada's run read the user: Eve's is her own
    expect(w.shows(ada)).toEqual(["n=1 data=9 user=ada@example.com"]);
    expect(w.shows(eve)).toEqual(["n=1 data=9 user=eve@example.com"]);
    const shared = w.sharing.counts.shared;
    runs = 0;
    w.sharing.rerun(w.sessions); // now grouped by user from the start
    await settle(w.sessions);
    expect(runs).toBe(2);
    expect(w.sharing.counts.shared).toBe(shared);
    readUser = false;
  });

  it("sessions of different signed-in users never share a run that reads dash.user; the same user's do", async () => {
    readUser = true;
    const w = worker();
    const ada = w.open({ sub: "1", email: "ada@example.com" });
    const eve = w.open({ sub: "2", email: "eve@example.com" });
    const ada2 = w.open({ sub: "1", email: "ada@example.com" });
    for (const s of w.sessions) s.scheduler.request({});
    await settle(w.sessions);
    data = 4;
    runs = 0;
    w.sharing.rerun(w.sessions);
    await settle(w.sessions);
    expect(runs).toBe(2); // Ada's two sessions share; Eve's runs alone
    expect(w.shows(ada2)).toEqual(["n=1 data=4 user=ada@example.com"]);
    expect(w.shows(eve)).toEqual(["n=1 data=4 user=eve@example.com"]);
    expect(w.shows(ada)).toEqual(["n=1 data=4 user=ada@example.com"]);
    readUser = false;
  });

  it("a run that registers a widget callback is not shared (its closure belongs to that run)", async () => {
    const w = worker();
    const sessions = [w.open(), w.open(), w.open()];
    for (const s of sessions) s.scheduler.request({});
    await settle(w.sessions);
    withCallback = true; // from now on the script registers one
    data = 7;
    runs = 0;
    w.sharing.rerun(sessions);
    await settle(w.sessions);
    await settle(w.sessions);
    expect(runs).toBe(3); // the first, then the other two alone
    runs = 0;
    w.sharing.rerun(sessions); // now known to have callbacks: each runs alone at once
    await settle(w.sessions);
    expect(runs).toBe(3);
    expect(w.sharing.counts.shared).toBe(1);
    for (const s of sessions) expect(w.shows(s)).toEqual(["n=1 data=7"]);
    withCallback = false;
  });

  it("a data change during a shared run reruns the group once it is over, shared again", async () => {
    const w = worker();
    const sessions = [w.open(), w.open(), w.open(), w.open()];
    for (const s of sessions) s.scheduler.request({});
    await settle(w.sessions);
    data = 5;
    runs = 0;
    w.sharing.rerun(sessions);
    data = 6;
    w.sharing.rerun(sessions); // arrives while the first shared run goes
    await settle(w.sessions);
    await settle(w.sessions);
    expect(runs).toBe(2);
    for (const s of sessions) expect(w.shows(s)).toEqual(["n=1 data=6"]);
  });
});
