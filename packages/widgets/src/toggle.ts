import { scopeOf } from "@dash/runtime/scope.ts";
import { booleanSpec, type CheckboxOptions } from "./checkbox.ts";

/**
 * An on/off switch. Returns whether it is on.
 * @example const live = dash.toggle("Live updates", { value: true });
 */
export function toggle(this: unknown, label: string, options: CheckboxOptions = {}): boolean {
  return scopeOf(this).widget(booleanSpec("toggle", label, options));
}
