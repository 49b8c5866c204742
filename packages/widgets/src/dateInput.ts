import { scopeOf } from "@dash/runtime/scope.ts";
import { commonProps, type WidgetOptions } from "./common.ts";
import { dateInputWidget, dayOf } from "./widget.ts";

export { dayOf };

export interface DateInputOptions<V extends Date | [Date, Date]> extends WidgetOptions<V> {
  /** A date, or a `[from, to]` pair for a range (a time-range picker). Default: today. */
  value?: V;
  min?: Date;
  max?: Date;
}

/**
 * A date picker. Returns a `Date`, or `[from, to]` when `value` is a pair.
 * @example const [from, to] = dash.dateInput("Period", { value: [monthAgo, today] });
 */
export function dateInput(this: unknown, label: string, options?: DateInputOptions<Date>): Date;
export function dateInput(this: unknown, label: string, options: DateInputOptions<[Date, Date]> & { value: [Date, Date] }): [Date, Date];
export function dateInput(this: unknown, label: string, options: DateInputOptions<Date> | DateInputOptions<[Date, Date]> = {}): Date | [Date, Date] {
  const range = Array.isArray(options.value);
  const min = options.min ? dayOf(options.min) : undefined;
  const max = options.max ? dayOf(options.max) : undefined;
  const given = { range, min, max };
  const today = new Date(`${dayOf(new Date())}T00:00:00Z`);
  const props = { ...commonProps(options), range };
  if (min) Object.assign(props, { min });
  if (max) Object.assign(props, { max });
  return dateInputWidget.render(scopeOf(this), {
    label,
    key: options.key,
    props,
    given,
    initial: dateInputWidget.value.coerce(options.value ?? today, given) ?? (range ? [today, today] : today),
    query: options.query,
    onChange: options.onChange as ((value: Date | [Date, Date]) => void) | undefined,
  });
}
