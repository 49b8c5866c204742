/**
 * A worker's snapshots (cluster/snapshot.ts): taken after a run, sent on only when they changed,
 * warned about once, and what shared runs may compare.
 */
import { describe, expect, it } from "vitest";
import { decodeSnapshot, encodeSnapshot, takeSnapshot, userKey, WorkerSnapshots, type Snapshot } from "../../../packages/runtime/src/cluster/snapshot.ts";

function worker() {
  const changed: [string, number][] = [];
  const warnings: [string, string][] = [];
  const snapshots = new WorkerSnapshots({
    changed: (sid, bytes) => changed.push([sid, decodeSnapshot(bytes).state.clicks as number]),
    warn: (sid, message) => warnings.push([sid, message]),
  });
  return { snapshots, changed, warnings };
}

const snap = (state: Record<string, unknown>): Snapshot => ({ widgets: [["slider:Level", 3]], state, query: { q: "1" }, page: "app" });

describe("a worker's snapshots", () => {
  it("are taken from the session's values and page", () => {
    const values = { widgets: new Map<string, unknown>([["slider:Level", 3]]), state: { clicks: 1 }, query: { q: "1" } };
    expect(takeSnapshot(values, "app")).toEqual(snap({ clicks: 1 }));
  });

  it("go to the store only when their bytes changed", () => {
    const { snapshots, changed } = worker();
    expect(snapshots.take("s", snap({ clicks: 1 }))).toBe(true);
    expect(snapshots.take("s", snap({ clicks: 1 }))).toBe(true); // kept, unchanged: nothing sent
    snapshots.take("s", snap({ clicks: 2 }));
    snapshots.take("t", snap({ clicks: 2 }));
    expect(changed).toEqual([
      ["s", 1],
      ["s", 2],
      ["t", 2],
    ]);
  });

  it("a session opened from bytes (a replaced worker, a take-over) does not send them again; adopting a run sends only changed bytes", () => {
    const { snapshots, changed } = worker();
    const bytes = encodeSnapshot(snap({ clicks: 5 }))!.bytes;
    expect(snapshots.restore("s", bytes).state).toEqual({ clicks: 5 });
    snapshots.take("s", snap({ clicks: 5 }));
    snapshots.keep("s", encodeSnapshot(snap({ clicks: 5 }))!.bytes);
    expect(changed).toEqual([]);
    snapshots.keep("s", encodeSnapshot(snap({ clicks: 6 }))!.bytes);
    expect(changed).toEqual([["s", 6]]);
    expect(decodeSnapshot(snapshots.whole("s")!).state).toEqual({ clicks: 6 });
  });

  it("state that cannot be cloned is left out and named once; such a session's bytes are not whole, so it never shares a run", () => {
    const { snapshots, changed, warnings } = worker();
    snapshots.take("s", snap({ clicks: 1 }));
    expect(snapshots.whole("s")).toBeDefined();
    const fn = () => 1;
    snapshots.take("s", snap({ clicks: 2, fn }));
    snapshots.take("s", snap({ clicks: 3, fn }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]![1]).toMatch(/dash.state "fn" cannot be kept across reconnects/);
    expect(changed).toEqual([
      ["s", 1],
      ["s", 2],
      ["s", 3],
    ]);
    expect(snapshots.whole("s")).toBeUndefined();
    snapshots.forget("s");
    snapshots.take("s", snap({ clicks: 4 }));
    expect(snapshots.whole("s")).toBeDefined();
  });

  it("widget values over the limit keep nothing: the viewer is told, and the inputs are not counted as kept", () => {
    const { snapshots, changed, warnings } = worker();
    const huge: Snapshot = { widgets: [["text:Big", "x".repeat(1100 * 1024)]], state: {}, query: {}, page: "app" };
    expect(snapshots.take("s", huge)).toBe(false);
    expect(changed).toEqual([]);
    expect(warnings[0]![1]).toMatch(/widget values are over 1024 KB/);
  });

  it("belong to their user: the stable id and the email, case aside; nobody's without sign-in", () => {
    expect(userKey(null)).toBe("");
    expect(userKey({ sub: "u1", email: "Ada@Example.com", name: "Ada", groups: [], claims: {} })).toBe("u1\nada@example.com");
  });
});
