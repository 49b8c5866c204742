/**
 * The page as the server builds it during a run, and the diff that turns two pages into a patch.
 *
 * A run appends `Node`s to containers in call order. Each node has a `key` that is stable across
 * runs (a widget's identity, or its type and position among siblings of that type), and its id on
 * the wire is its interned key path, so the same element keeps the same id from run to run and
 * the diff never has to search for it. The browser applies the patch with `patch.ts`.
 */
import type { Patch, Props, WireNode } from "./protocol.ts";

export interface Node {
  type: string;
  key: string;
  props: Props;
  children?: Node[];
  /** Set while a run is going on nodes carried over from the previous run and not reached yet. */
  stale?: boolean;
}

/** Interns key paths to small integer ids, stable for the life of a session. */
export class Ids {
  private readonly map = new Map<string, number>();
  private next = 1;
  /** Key paths interned so far. */
  get size(): number {
    return this.map.size;
  }
  id(parent: number, key: string): number {
    const path = `${parent}/${key}`;
    let id = this.map.get(path);
    if (id === undefined) this.map.set(path, (id = this.next++));
    return id;
  }
}

/** The page as the browser holds it: id → node. */
export type Page = Map<number, WireNode>;

/** Flatten a tree into wire nodes, assigning ids. The root always has id 0. */
export function flatten(root: Node, ids: Ids): Page {
  const page: Page = new Map();
  const visit = (node: Node, id: number): void => {
    const props = node.stale ? { ...node.props, $stale: true } : node.props;
    if (!node.children) {
      page.set(id, { type: node.type, props });
      return;
    }
    const children: number[] = [];
    for (const child of node.children) {
      const childId = ids.id(id, child.key);
      if (page.has(childId)) continue; // a duplicate key was already reported as an error
      children.push(childId);
      visit(child, childId);
    }
    page.set(id, { type: node.type, props, children });
  };
  visit(root, 0);
  return page;
}

/**
 * The patch that turns `before` into `after`: new nodes in full, changed props by key, changed
 * child lists. Nodes that disappear are implied by their parent's new child list.
 * Returns `null` when nothing changed.
 */
export function diff(before: Page, after: Page): Patch | null {
  let nodes: Record<number, WireNode> | undefined;
  let props: Record<number, Props> | undefined;
  let children: Record<number, number[]> | undefined;
  for (const [id, node] of after) {
    const old = before.get(id);
    if (!old || old.type !== node.type || !old.children !== !node.children) {
      (nodes ??= {})[id] = node;
      continue;
    }
    if (old.props !== node.props) {
      const changed = diffProps(old.props, node.props);
      if (changed) (props ??= {})[id] = changed;
    }
    if (node.children && old.children && !sameList(old.children, node.children)) {
      (children ??= {})[id] = node.children;
    }
  }
  if (!nodes && !props && !children) return null;
  const patch: Patch = {};
  if (nodes) patch.nodes = nodes;
  if (props) patch.props = props;
  if (children) patch.children = children;
  return patch;
}

function diffProps(a: Props, b: Props): Props | null {
  let out: Props | null = null;
  for (const key in b) {
    if (!equal(a[key], b[key])) (out ??= {})[key] = b[key];
  }
  for (const key in a) {
    if (!(key in b)) (out ??= {})[key] = null;
  }
  return out;
}

function sameList(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Deep equality of JSON values. */
export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equal(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let count = 0;
  for (const key in ao) {
    if (!equal(ao[key], bo[key])) return false;
    count++;
  }
  for (const _key in bo) count--;
  return count === 0;
}
