// One applyPatch for the browser's store and dash/testing: a patch against a node the page does
// not have is refused as a whole (the browser resyncs, a test fails), never half applied or skipped.
import { describe, expect, it } from "vitest";
import { Store } from "../../packages/runtime/src/client/store.ts";
import { applyPatch, PatchMismatch } from "../../packages/runtime/src/patch.ts";
import type { Patch, WireNode } from "../../packages/runtime/src/protocol.ts";
import type { Page } from "../../packages/runtime/src/tree.ts";

const nodes: Record<number, WireNode> = {
  0: { type: "page", props: {}, children: [1] },
  1: { type: "main", props: {}, children: [2, 3] },
  2: { type: "text", props: { text: "a" } },
  3: { type: "text", props: { text: "b" } },
};
const pageOf = (): Page => new Map(Object.entries(structuredClone(nodes)).map(([id, node]) => [Number(id), node]));

describe("applyPatch", () => {
  it("applies new nodes, props (null deletes) and child lists, drops what is no longer reachable, and says what it touched", () => {
    const page = pageOf();
    const touched = applyPatch(page, {
      nodes: { 4: { type: "text", props: { text: "c" } } },
      props: { 2: { text: "A", help: "h" }, 3: { text: null } },
      children: { 1: [4, 2] },
    });
    expect(Object.fromEntries(page)).toEqual({
      0: nodes[0],
      1: { type: "main", props: {}, children: [4, 2] },
      2: { type: "text", props: { text: "A", help: "h" } },
      4: { type: "text", props: { text: "c" } },
    });
    expect([...touched].sort()).toEqual([1, 2, 3, 4]);
  });

  const misfits: [string, Patch][] = [
    ["props of a missing node", { props: { 2: { text: "x" }, 9: { text: "y" } } }],
    ["children of a missing node", { nodes: { 4: { type: "text", props: {} } }, children: { 9: [4] } }],
    ["a child neither page nor patch has", { props: { 2: { text: "x" } }, children: { 1: [2, 8] } }],
  ];
  for (const [what, patch] of misfits)
    it(`refuses ${what}, changing nothing`, () => {
      const page = pageOf();
      expect(() => applyPatch(page, patch)).toThrow(PatchMismatch);
      expect(Object.fromEntries(page)).toEqual(nodes);
    });

  it("the browser's store refuses it too (so the app asks for a resync), keeping its page and version", () => {
    const store = new Store();
    store.reset(1, structuredClone(nodes));
    let renders = 0;
    store.subscribe(2, () => renders++);
    expect(store.apply(1, 2, { props: { 2: { text: "x" }, 9: { text: "y" } } })).toBe(false);
    expect(store.version).toBe(1);
    expect(Object.fromEntries(store.nodes)).toEqual(nodes);
    expect(renders).toBe(0);
    expect(store.apply(1, 2, { props: { 2: { text: "x" } } })).toBe(true);
    expect(store.nodes.get(2)?.props).toEqual({ text: "x" });
    expect(renders).toBe(1);
  });
});
