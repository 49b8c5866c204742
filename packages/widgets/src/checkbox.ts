import { scopeOf } from "@dash/runtime/scope.ts";
import { commonProps, type WidgetOptions } from "./common.ts";
import type { CommonProps, WidgetCall } from "./defineWidget.ts";
import { checkboxWidget } from "./widget.ts";

export interface CheckboxOptions extends WidgetOptions<boolean> {
  value?: boolean;
}

/** The call shared by `checkbox` and `toggle` (the value rule is `booleanRule` in widget.ts). */
export function booleanCall(label: string, options: CheckboxOptions): WidgetCall<boolean, CommonProps, undefined> {
  return { label, key: options.key, props: commonProps(options), initial: options.value ?? false, query: options.query, onChange: options.onChange };
}

/**
 * A checkbox. Returns whether it is checked.
 * @example const showRaw = dash.checkbox("Show raw data");
 */
export function checkbox(this: unknown, label: string, options: CheckboxOptions = {}): boolean {
  return checkboxWidget.render(scopeOf(this), booleanCall(label, options));
}
