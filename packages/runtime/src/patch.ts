/**
 * Applying a patch to a page: the one implementation the browser's store (`client/store.ts`) and
 * `dash/testing` both use, so a test sees the page exactly as a browser would.
 *
 * A patch that does not fit the page (it changes a node the page does not have, or lists a child
 * it does not have) changes nothing and throws `PatchMismatch`: the browser then asks for the
 * whole page (`resync`); a test fails, since the server sent a patch for another page.
 */
import type { Patch } from "./protocol.ts";
import type { Page } from "./tree.ts";

export class PatchMismatch extends Error {
  constructor(message: string) {
    super(`The patch does not fit the page: ${message}`);
    this.name = "PatchMismatch";
  }
}

/**
 * Apply `patch` to `page` in place: new nodes in full, props by key (`null` deletes one), child
 * lists; then drop nodes no longer reachable from the root. Returns the ids it touched.
 * Throws `PatchMismatch`, before changing anything, when the patch does not fit.
 */
export function applyPatch(page: Page, patch: Patch): Set<number> {
  const added = patch.nodes ?? {};
  const has = (id: number): boolean => page.has(id) || id in added;
  for (const key of Object.keys(patch.props ?? {}))
    if (!has(Number(key))) throw new PatchMismatch(`it changes the props of node ${key}, which the page does not have.`);
  for (const [key, list] of Object.entries(patch.children ?? {})) {
    if (!has(Number(key))) throw new PatchMismatch(`it changes the children of node ${key}, which the page does not have.`);
    for (const child of list) if (!has(child)) throw new PatchMismatch(`node ${key} lists child ${child}, which neither the page nor the patch has.`);
  }
  const touched = new Set<number>();
  for (const [key, node] of Object.entries(added)) {
    page.set(Number(key), node);
    touched.add(Number(key));
  }
  for (const [key, changed] of Object.entries(patch.props ?? {})) {
    const id = Number(key);
    const node = page.get(id)!;
    const props = { ...node.props };
    for (const [name, value] of Object.entries(changed)) {
      if (value === null) delete props[name];
      else props[name] = value;
    }
    page.set(id, { ...node, props });
    touched.add(id);
  }
  for (const [key, children] of Object.entries(patch.children ?? {})) {
    const id = Number(key);
    page.set(id, { ...page.get(id)!, children });
    touched.add(id);
  }
  // Only new nodes and child lists can leave a node unreachable (props never do).
  if (patch.children || patch.nodes) prune(page);
  return touched;
}

/** Drop, in place, the nodes no longer reachable from the root (id 0). */
export function prune(page: Page): void {
  const reachable = new Set<number>();
  const stack = [0];
  while (stack.length) {
    const id = stack.pop()!;
    if (reachable.has(id)) continue;
    reachable.add(id);
    for (const child of page.get(id)?.children ?? []) stack.push(child);
  }
  for (const id of page.keys()) if (!reachable.has(id)) page.delete(id);
}
