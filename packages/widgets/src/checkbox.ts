import { scopeOf, type WidgetSpec } from "@dash/runtime/scope.ts";
import { commonProps, type WidgetOptions } from "./common.ts";

export interface CheckboxOptions extends WidgetOptions<boolean> {
  value?: boolean;
}

/** The spec shared by `checkbox` and `toggle`: a boolean that reads "true"/"false" from the URL. */
export function booleanSpec(kind: string, label: string, options: CheckboxOptions): WidgetSpec<boolean> {
  return {
    kind,
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
  return scopeOf(this).widget(booleanSpec("checkbox", label, options));
}
