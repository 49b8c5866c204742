/**
 * The page a browser is shown, made of trees: the running run's output laid over the previous
 * page (the part not reached yet marked stale), a fragment's output inside the page, a run's
 * error where the run stopped. Pure functions over `Node`s.
 */
import type { ErrorInfo, Json, Props } from "./protocol.ts";
import type { Node } from "./tree.ts";

/**
 * The page now: the finished tree, or the running run's output over it (a fragment's run: its
 * output in the fragment's place). `fragmentNode` finds a fragment's node in the finished tree.
 */
export function composePage(
  tree: Node | null,
  running: { root: Node; fragment: string | undefined } | null,
  fragmentNode: (key: string) => Node | undefined,
): Node {
  if (!running) return tree ?? emptyPage();
  if (!running.fragment) return tree ? mergeStale(tree, running.root) : running.root;
  const fragment = fragmentNode(running.fragment);
  return fragment && tree ? withFragment(tree, fragment, running.root) : (tree ?? emptyPage());
}

export function emptyPage(): Node {
  return {
    type: "page",
    key: "page",
    props: {},
    children: [
      { type: "sidebar", key: "sidebar", props: {}, children: [] },
      { type: "main", key: "main", props: {}, children: [] },
    ],
  };
}

export function cloneShallow(node: Node): Node {
  return node.children ? { ...node, children: node.children.map(cloneShallow) } : node;
}

/**
 * The running output laid over the previous page: each container shows what the run produced so
 * far, then the previous run's children that come after the last one the run has reached, marked
 * stale (they stay visible until the run reaches or drops them).
 */
export function mergeStale(previous: Node, running: Node): Node {
  if (!running.children || !previous.children) return running;
  const produced = running.children;
  const byKey = new Map<string, Node>();
  for (const child of previous.children) byKey.set(child.key, child);
  const children: Node[] = produced.map((child) => {
    const before = byKey.get(child.key);
    return before && before.type === child.type && child.children ? mergeStale(before, child) : child;
  });
  const seen = new Set(produced.map((child) => child.key));
  // The run has reached the last previous child it produced again; what follows is not reached yet.
  let reached = -1;
  previous.children.forEach((child, index) => {
    if (seen.has(child.key)) reached = index;
  });
  for (const child of previous.children.slice(reached + 1)) {
    if (!seen.has(child.key)) children.push({ ...child, stale: true });
  }
  return { ...running, children };
}

/** The page with a fragment's running output in place of the fragment's last output. */
export function withFragment(tree: Node, fragment: Node, running: Node): Node {
  const kept = fragment.children;
  fragment.children = mergeStale(fragment, running).children;
  const page = cloneShallow(tree);
  fragment.children = kept;
  return page;
}

export function errorNode(info: ErrorInfo): Node {
  return { type: "exception", key: "exception", props: { ...info } as Props };
}

/** Show a run's error in the main area where the run stopped, before the stale rest. */
export function insertError(tree: Node, at: number, info: ErrorInfo): void {
  const main = tree.children?.find((child) => child.key === "main");
  main?.children?.splice(at, 0, errorNode(info));
}

/** Show widget `id` with another value (a form cleared after its submit). */
export function setWidgetValue(node: Node | null, id: string, value: Json): void {
  if (!node) return;
  if (node.props.id === id && node.key === `w:${id}`) node.props = { ...node.props, value };
  for (const child of node.children ?? []) setWidgetValue(child, id, value);
}
