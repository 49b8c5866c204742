import { scopeOf } from "@dash/runtime/scope.ts";
import { commonProps, type WidgetOptions } from "./common.ts";
import { timeInputWidget } from "./widget.ts";

export interface TimeInputOptions extends WidgetOptions<string> {
  /** `"HH:MM"` (24-hour). Default: `"00:00"`. */
  value?: string;
  /** Step in seconds (default 900: quarter hours in the picker; any minute can be typed). */
  step?: number;
}

const pattern = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;

/**
 * A time picker. Returns `"HH:MM"`.
 * @example const at = dash.timeInput("Send at", { value: "09:30" });
 */
export function timeInput(this: unknown, label: string, options: TimeInputOptions = {}): string {
  const coerce = (value: unknown): string | undefined => (typeof value === "string" && pattern.test(value) ? value.slice(0, 5) : undefined);
  return timeInputWidget.render(scopeOf(this), {
    label,
    key: options.key,
    props: { ...commonProps(options), step: options.step ?? 900 },
    initial: coerce(options.value) ?? "00:00",
    parse: coerce,
    coerce,
    toWire: (value) => value,
    fromQuery: coerce,
    toQuery: (value) => value,
    query: options.query,
    onChange: options.onChange,
  });
}
