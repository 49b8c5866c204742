import { scopeOf } from "@dash/runtime/scope.ts";
import { booleanCall, type CheckboxOptions } from "./checkbox.ts";
import { toggleWidget } from "./widget.ts";

/**
 * An on/off switch. Returns whether it is on.
 * @example const live = dash.toggle("Live updates", { value: true });
 */
export function toggle(this: unknown, label: string, options: CheckboxOptions = {}): boolean {
  return toggleWidget.render(scopeOf(this), booleanCall(label, options));
}
