import { scopeOf } from "@dash/runtime/scope.ts";
import { handle } from "./handle.ts";
import type { Container } from "./index.ts";

/**
 * Tabs: one container per label. All tabs' contents are computed on each run; the browser shows
 * the selected one (switching tabs needs no rerun).
 * @example const [chart, data] = dash.tabs(["Chart", "Data"]);
 */
export function tabs(this: unknown, labels: string[]): Container[] {
  const group = scopeOf(this).child("tabs", { labels: labels.map(String) });
  return labels.map((label) => handle(group.child("tab", { label: String(label) })));
}
