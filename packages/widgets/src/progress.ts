import { scopeOf } from "@dash/runtime/scope.ts";

/** A progress bar you can move while the script works. */
export interface Progress {
  update(fraction: number, text?: string): void;
}

function clampFraction(fraction: number): number {
  return Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
}

/**
 * A progress bar from 0 to 1.
 * @example const bar = dash.progress(0, { text: "Loading" }); for (…) bar.update(i / n);
 */
export function progress(this: unknown, fraction: number, options: { text?: string } = {}): Progress {
  const scope = scopeOf(this);
  const node = scope.add("progress", { value: clampFraction(fraction), text: options.text ?? "" });
  return {
    update(next: number, text?: string): void {
      scope.run.check();
      node.props = { value: clampFraction(next), text: text ?? String(node.props.text ?? "") };
      scope.changed();
    },
  };
}
