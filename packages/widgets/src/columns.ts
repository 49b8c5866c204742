import { scopeOf } from "@dash/runtime/scope.ts";
import { handle } from "./handle.ts";
import type { Container } from "./index.ts";

export interface ColumnsOptions {
  gap?: "small" | "medium" | "large";
}

/**
 * Side-by-side containers. `n` equal columns, or relative widths like `[2, 1]`.
 * On a narrow screen they stack.
 * @example const [left, right] = dash.columns(2); left.metric("Users", 120); right.metric("Revenue", 3400);
 */
export function columns(this: unknown, spec: number | number[], options: ColumnsOptions = {}): Container[] {
  const weights = typeof spec === "number" ? Array.from({ length: Math.max(1, Math.floor(spec)) }, () => 1) : spec.map((w) => Math.max(0.01, Number(w) || 1));
  const row = scopeOf(this).child("columns", { weights, gap: options.gap ?? "medium" });
  return weights.map((weight) => handle(row.child("column", { weight })));
}
