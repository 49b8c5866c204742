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
  return colorPickerWidget.render(scopeOf(this), {
    label,
    key: options.key,
    props: commonProps(options),
    initial: colorPickerWidget.value.coerce(options.value, undefined) ?? "#000000",
    query: options.query,
    onChange: options.onChange,
  });
}
