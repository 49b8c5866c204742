import { scopeOf } from "@dash/runtime/scope.ts";
import { handle } from "./handle.ts";
import type { Container } from "./index.ts";

/**
 * Tabs: one container per label. All tabs' contents are computed on each run; the browser shows
 * the selected one (switching tabs needs no rerun). Known by their labels (or `key`), not position.
 * @example const [chart, data] = dash.tabs(["Chart", "Data"]);
 */
export function tabs(this: unknown, labels: string[], options: { key?: string } = {}): Container[] {
  const scope = scopeOf(this);
  const names = labels.map(String);
  const key = scope.uniqueKey(`tabs:${options.key ?? JSON.stringify(names)}`);
  const group = scope.child("tabs", { labels: names }, {}, key);
  return names.map((label) => handle(group.child("tab", { label }, {}, group.uniqueKey(`tab:${label}`))));
}
