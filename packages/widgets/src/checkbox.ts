import { scopeOf } from "@dash/runtime/scope.ts";
import { commonProps, type WidgetOptions } from "./common.ts";
import { checkboxWidget, type CommonProps, type DeclaredSpec } from "./widget.ts";

export interface CheckboxOptions extends WidgetOptions<boolean> {
  value?: boolean;
}

/** The spec shared by `checkbox` and `toggle`: a boolean that reads "true"/"false" from the URL. */
export function booleanSpec(label: string, options: CheckboxOptions): DeclaredSpec<boolean, CommonProps, boolean> {
  return {
    label,
    key: options.key,
    props: commonProps(options),
    initial: options.value ?? false,
    parse: (wire) => (typeof wire === "boolean" ? wire : undefined),
    coerce: (value) => (typeof value === "boolean" ? value : undefined),
    toWire: (value) => value,
    fromQuery: (text) => (text === "true" ? true : text === "false" ? false : undefined),
    toQuery: (value) => String(value),
    query: options.query,
    onChange: options.onChange,
  };
}

/**
 * A checkbox. Returns whether it is checked.
 * @example const showRaw = dash.checkbox("Show raw data");
 */
export function checkbox(this: unknown, label: string, options: CheckboxOptions = {}): boolean {
  return checkboxWidget.render(scopeOf(this), booleanSpec(label, options));
}
