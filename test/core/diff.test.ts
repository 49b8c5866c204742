import { describe, expect, it } from "vitest";
import { applyPatch } from "../../packages/runtime/src/patch.ts";
import { diff, flatten, Ids, type Node } from "../../packages/runtime/src/tree.ts";

const page = (...main: Node[]): Node => ({
  type: "page",
  key: "page",
  props: {},
  children: [
    { type: "sidebar", key: "sidebar", props: {}, children: [] },
    { type: "main", key: "main", props: {}, children: main },
  ],
});
const text = (key: string, value: string): Node => ({ type: "text", key, props: { text: value } });

describe("diff", () => {
  it("emits nothing when nothing changed", () => {
    const ids = new Ids();
    const a = flatten(page(text("text0", "a")), ids);
    const b = flatten(page(text("text0", "a")), ids);
    expect(diff(a, b)).toBeNull();
  });

  it("emits only the changed prop of the changed node", () => {
    const ids = new Ids();
    const a = flatten(page(text("text0", "a"), text("text1", "b")), ids);
    const b = flatten(page(text("text0", "a"), text("text1", "c")), ids);
    expect(diff(a, b)).toEqual({ props: { 4: { text: "c" } } });
  });

  it("sends a new node in full and the parent's new child list", () => {
    const ids = new Ids();
    const a = flatten(page(text("text0", "a")), ids);
    const b = flatten(page(text("text0", "a"), text("text1", "b")), ids);
    expect(diff(a, b)).toEqual({ nodes: { 4: { type: "text", props: { text: "b" } } }, children: { 2: [3, 4] } });
  });

  it("removes a node through its parent's child list, and deletes props with null", () => {
    const ids = new Ids();
    const a = flatten(page({ type: "metric", key: "metric0", props: { value: 1, delta: 2 } }, text("text0", "x")), ids);
    const b = flatten(page({ type: "metric", key: "metric0", props: { value: 1 } }), ids);
    expect(diff(a, b)).toEqual({ props: { 3: { delta: null } }, children: { 2: [3] } });
  });

  it("replaces a node whose type changed under the same id", () => {
    const ids = new Ids();
    const a = flatten(page({ type: "text", key: "k", props: { text: "a" } }), ids);
    const b = flatten(page({ type: "markdown", key: "k", props: { text: "a" } }), ids);
    expect(diff(a, b)).toEqual({ nodes: { 3: { type: "markdown", props: { text: "a" } } } });
  });

  it("keeps ids stable across runs, so reordering sends only a child list", () => {
    const ids = new Ids();
    const a = flatten(page(text("x", "1"), text("y", "2")), ids);
    const b = flatten(page(text("y", "2"), text("x", "1")), ids);
    expect(diff(a, b)).toEqual({ children: { 2: [4, 3] } });
  });

  it("applying the patch reproduces the new page, nested containers included", () => {
    const ids = new Ids();
    const column = (key: string, ...children: Node[]): Node => ({ type: "column", key, props: {}, children });
    const before = flatten(page({ type: "columns", key: "columns0", props: {}, children: [column("c0", text("t", "a")), column("c1")] }), ids);
    const after = flatten(page({ type: "columns", key: "columns0", props: {}, children: [column("c0"), column("c1", text("t", "b"), text("u", "c"))] }), ids);
    const patch = diff(before, after)!;
    const patched = new Map(before);
    applyPatch(patched, patch);
    expect(Object.fromEntries(patched)).toEqual(Object.fromEntries(after));
  });

  it("marks stale nodes with $stale", () => {
    const ids = new Ids();
    const flat = flatten(page({ ...text("text0", "a"), stale: true }), ids);
    expect(flat.get(3)?.props).toEqual({ text: "a", $stale: true });
  });
});
