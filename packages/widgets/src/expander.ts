import { scopeOf } from "@dash/runtime/scope.ts";
import { handle } from "./handle.ts";
import type { Container } from "./index.ts";

/** A collapsible section (closed unless `expanded`). */
export function expander(this: unknown, label: string, options: { expanded?: boolean } = {}): Container {
  return handle(scopeOf(this).child("expander", { label: String(label), expanded: options.expanded ?? false }));
}
