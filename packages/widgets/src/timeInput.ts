import { scopeOf } from "@dash/runtime/scope.ts";
import { commonProps, type WidgetOptions } from "./common.ts";
import { timeInputWidget } from "./widget.ts";

export interface TimeInputOptions extends WidgetOptions<string> {
  /** `"HH:MM"` (24-hour). Default: `"00:00"`. */
  value?: string;
  /** Step in seconds (default 900: quarter hours in the picker; any minute can be typed). */
  step?: number;
}

/**
 * A time picker. Returns `"HH:MM"`.
 * @example const at = dash.timeInput("Send at", { value: "09:30" });
 */
export function timeInput(this: unknown, label: string, options: TimeInputOptions = {}): string {
  return timeInputWidget.render(scopeOf(this), {
    label,
    key: options.key,
    props: { ...commonProps(options), step: options.step ?? 900 },
    initial: timeInputWidget.value.coerce(options.value, undefined) ?? "00:00",
    query: options.query,
    onChange: options.onChange,
  });
}
