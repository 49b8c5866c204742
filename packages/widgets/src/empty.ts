import { scopeOf } from "@dash/runtime/scope.ts";
import { handle } from "./handle.ts";
import type { Container } from "./index.ts";

/** A placeholder that shows one thing at a time: each call on it replaces what it shows. */
export type Slot = Container & {
  /** Show nothing. */
  clear(): void;
};

/**
 * A placeholder holding one element. `slot.text(…)`, `slot.metric(…)` replace what it shows in
 * place (handy for live updates during a long run); `slot.container()` holds several.
 * @example const status = dash.empty(); for (const step of steps) { status.text(step); await work(step); }
 */
export function empty(this: unknown): Slot {
  const scope = scopeOf(this).child("empty", {});
  const slot = handle(() => {
    scope.clear();
    return scope;
  }) as Slot;
  Object.defineProperty(slot, "clear", { value: () => scope.clear() });
  return slot;
}
