import { scopeOf } from "@dash/runtime/scope.ts";
import { commonProps, type WidgetOptions } from "./common.ts";
import { colorPickerWidget } from "./widget.ts";

export interface ColorPickerOptions extends WidgetOptions<string> {
  /** `"#rrggbb"`. Default: black. */
  value?: string;
}

/**
 * A color picker. Returns `"#rrggbb"` (lowercase).
 * @example const color = dash.colorPicker("Line color", { value: "#1f77b4" });
 */
export function colorPicker(this: unknown, label: string, options: ColorPickerOptions = {}): string {
  const coerce = (value: unknown): string | undefined => (typeof value === "string" && /^#[0-9a-fA-F]{6}$/.test(value) ? value.toLowerCase() : undefined);
  return colorPickerWidget.render(scopeOf(this), {
    label,
    key: options.key,
    props: commonProps(options),
    initial: coerce(options.value) ?? "#000000",
    parse: coerce,
    coerce,
    toWire: (value) => value,
    fromQuery: (text) => coerce(text.startsWith("#") ? text : `#${text}`),
    toQuery: (value) => value,
    query: options.query,
    onChange: options.onChange,
  });
}
