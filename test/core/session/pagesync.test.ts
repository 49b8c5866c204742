import { describe, expect, it } from "vitest";
import { PageSync } from "../../../packages/runtime/src/pagesync.ts";
import { BlobLedger } from "../../../packages/runtime/src/blobs.ts";
import type { ServerMessage } from "../../../packages/runtime/src/protocol.ts";
import type { Node } from "../../../packages/runtime/src/tree.ts";
import { applyPatch } from "../../../packages/runtime/src/patch.ts";
import { emptyPage, mergeStale } from "../../../packages/runtime/src/compose.ts";

const page = (...texts: string[]): Node => {
  const tree = emptyPage();
  tree.children![1]!.children = texts.map((text, i) => ({ type: "text", key: `text${i}`, props: { text } }));
  return tree;
};

function sync() {
  const sent: ServerMessage[] = [];
  const blobs = new BlobLedger(() => {});
  return { sync: new PageSync((m) => sent.push(m), blobs), sent, blobs };
}

describe("page sync", () => {
  it("first the whole page, then patches from each version to the next; nothing when nothing changed", () => {
    const { sync: s, sent } = sync();
    s.full(page("a"));
    s.patch(page("a", "b"), false);
    s.patch(page("a", "b"), false);
    expect(sent.map((m) => m.t)).toEqual(["full", "patch"]);
    const [full, patch] = sent as [Extract<ServerMessage, { t: "full" }>, Extract<ServerMessage, { t: "patch" }>];
    expect([full.version, patch.base, patch.version]).toEqual([1, 1, 2]);
    // The patch applied to the full page gives the new page.
    const after = new Map(Object.entries(full.nodes).map(([id, node]) => [Number(id), node]));
    applyPatch(after, patch.patch);
    expect([...after.values()].filter((n) => n.type === "text").map((n) => n.props.text)).toEqual(["a", "b"]);
  });

  it("nothing is sent while no browser is attached", () => {
    const { sync: s, sent } = sync();
    s.connected = false;
    s.patch(page("a"), true);
    expect(sent).toEqual([]);
  });

  it("a run's end tells the browser which blobs to release", () => {
    const { sync: s, sent, blobs } = sync();
    s.full(page("a"));
    (blobs as unknown as { toRelease: string[] }).toRelease.push("old");
    s.patch(page("a"), false);
    expect(sent.length).toBe(1); // not before the run's end
    s.patch(page("a"), true);
    expect((sent[1] as Extract<ServerMessage, { t: "patch" }>).patch.release).toEqual(["old"]);
  });
});

describe("composing the page", () => {
  it("a running run shows its output, then what the last run showed and it has not reached, stale", () => {
    const merged = mergeStale(page("a", "b", "c").children![1]!, {
      type: "main",
      key: "main",
      props: {},
      children: [{ type: "text", key: "text0", props: { text: "A" } }],
    });
    expect(merged.children!.map((n) => [n.props.text, n.stale ?? false])).toEqual([
      ["A", false],
      ["b", true],
      ["c", true],
    ]);
  });
});
