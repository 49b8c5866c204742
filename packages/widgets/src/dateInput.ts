import { scopeOf } from "@dash/runtime/scope.ts";
import { commonProps, type WidgetOptions } from "./common.ts";
import { dateInputWidget } from "./widget.ts";

export interface DateInputOptions<V extends Date | [Date, Date]> extends WidgetOptions<V> {
  /** A date, or a `[from, to]` pair for a range (a time-range picker). Default: today. */
  value?: V;
  min?: Date;
  max?: Date;
}

/** Dates travel as `YYYY-MM-DD`; values are `Date`s at midnight UTC of that day. */
export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function parseDay(text: unknown): Date | undefined {
  if (typeof text !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const date = new Date(`${text}T00:00:00Z`);
  return Number.isNaN(+date) ? undefined : date;
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
  const inBounds = (date: Date | undefined): Date | undefined => {
    if (!date) return undefined;
    const day = dayOf(date);
    if ((min && day < min) || (max && day > max)) return undefined;
    return parseDay(day);
  };
  const fromWire = (wire: unknown): Date | [Date, Date] | undefined => {
    if (range) {
      if (!Array.isArray(wire) || wire.length !== 2) return undefined;
      const [a, b] = wire.map((w) => inBounds(parseDay(w)));
      if (!a || !b) return undefined;
      return a <= b ? [a, b] : [b, a];
    }
    return inBounds(parseDay(wire));
  };
  const coerce = (value: unknown): Date | [Date, Date] | undefined => {
    if (range) return Array.isArray(value) && value.every((v) => v instanceof Date) ? fromWire(value.map((v: Date) => dayOf(v))) : undefined;
    return value instanceof Date && !Number.isNaN(+value) ? inBounds(value) : undefined;
  };
  const today = parseDay(dayOf(new Date()))!;
  const props = { ...commonProps(options), range };
  if (min) Object.assign(props, { min });
  if (max) Object.assign(props, { max });
  return dateInputWidget.render(scopeOf(this), {
    label,
    key: options.key,
    props,
    initial: coerce(options.value ?? today) ?? (range ? [today, today] : today),
    parse: fromWire,
    coerce,
    toWire: (value) => (Array.isArray(value) ? value.map(dayOf) : dayOf(value)),
    fromQuery: (text) => fromWire(range ? text.split(",") : text),
    toQuery: (value) => (Array.isArray(value) ? value.map(dayOf).join(",") : dayOf(value)),
    query: options.query,
    onChange: options.onChange as ((value: Date | [Date, Date]) => void) | undefined,
  });
}
