import { scopeOf } from "@dash/runtime/scope.ts";

/**
 * Shows a spinner with `text` while `work` is pending, then removes it. Returns `work`'s result.
 * @example const rows = await dash.spinner("Querying…", runQuery());
 */
export async function spinner<T>(this: unknown, text: string, work: Promise<T> | (() => Promise<T>)): Promise<T> {
  const scope = scopeOf(this);
  const node = scope.add("spinner", { text: String(text) });
  try {
    return await scope.run.guard(typeof work === "function" ? work() : work);
  } finally {
    const children = scope.node.children!;
    const index = children.indexOf(node);
    if (index >= 0) children.splice(index, 1);
    if (!scope.run.cancelled) scope.changed();
  }
}
