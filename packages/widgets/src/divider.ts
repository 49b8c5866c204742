import { scopeOf } from "@dash/runtime/scope.ts";

/** A horizontal rule. */
export function divider(this: unknown): void {
  scopeOf(this).add("divider", {});
}
