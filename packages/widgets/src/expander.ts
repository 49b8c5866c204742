import { scopeOf } from "@dash/runtime/scope.ts";
import { handle } from "./handle.ts";
import type { Container } from "./index.ts";

/**
 * A collapsible section (closed unless `expanded`). It is known by its label (or `key`), not its
 * position: another expander drawn in its place starts closed.
 */
export function expander(this: unknown, label: string, options: { expanded?: boolean; key?: string } = {}): Container {
  const scope = scopeOf(this);
  const key = scope.uniqueKey(`expander:${options.key ?? String(label)}`);
  return handle(scope.child("expander", { label: String(label), expanded: options.expanded ?? false }, {}, key));
}
