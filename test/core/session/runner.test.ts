/**
 * A session's runs from start to end (runner.ts), on a real Session with real widgets: when
 * "Running…" is said, what the page shows after an error, and what follows a finished run.
 */
import { describe, expect, it } from "vitest";
import type { ServerMessage } from "../../../packages/runtime/src/protocol.ts";
import { Session } from "../../../packages/runtime/src/session.ts";
import type { Snapshot } from "../../../packages/runtime/src/cluster/snapshot.ts";
import { scriptApi } from "@dash/widgets";
import { onePage } from "../../support/app.ts";

const dash = scriptApi() as { text(body: string): void; state: Record<string, unknown> };

/** The script: draws "a", waits `wait` ms, then draws "b" or throws. */
let wait = 0;
let fail = false;
const app = onePage(async () => {
  dash.text("a");
  if (wait) await new Promise((resolve) => setTimeout(resolve, wait));
  if (fail) throw new Error("broken");
  dash.state.n = ((dash.state.n as number | undefined) ?? 0) + 1;
  dash.text("b");
});

function session() {
  const sent: ServerMessage[] = [];
  const snapshots: Snapshot[] = [];
  const ended: string[] = [];
  const s = new Session(
    "s",
    { send: (m) => sent.push(m), sendBinary: () => {}, snapshot: (snap) => snapshots.push(snap), runEnded: (outcome) => ended.push(outcome) },
    app,
  );
  const statuses = () => sent.filter((m) => m.t === "status").map((m) => (m as { status: string }).status);
  const texts = () => s.tree!.children![1]!.children!.map((node) => node.props.text ?? node.type);
  const run = async () => {
    const before = ended.length;
    s.scheduler.request({});
    while (ended.length === before) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return { s, sent, snapshots, ended, statuses, texts, run };
}

describe("a session's runs", () => {
  it("a quick run says nothing but idle; one that takes a while says Running… first", async () => {
    const { s, statuses, run } = session();
    wait = 0;
    fail = false;
    await run();
    expect(statuses()).toEqual(["idle"]);
    wait = 120;
    await run();
    expect(statuses()).toEqual(["idle", "running", "idle"]);
    s.dispose();
  });

  it("a finished run hands over its snapshot; a failed one shows its error over the last good page and keeps the snapshot", async () => {
    const { s, snapshots, ended, statuses, texts, run } = session();
    wait = 0;
    fail = false;
    await run();
    expect(snapshots).toEqual([{ widgets: [], state: { n: 1 }, query: {}, page: "main" }]);
    expect(texts()).toEqual(["a", "b"]);
    fail = true;
    await run();
    expect(ended).toEqual(["done", "error"]);
    expect(statuses()).toEqual(["idle", "error"]);
    expect(snapshots).toHaveLength(1);
    expect(s.lastError).toMatchObject({ message: "broken" });
    // "a" redrawn, then the error where the run stopped, then the last good page's rest (stale).
    expect(texts()).toEqual(["a", "exception", "b"]);
    s.dispose();
  });
});
