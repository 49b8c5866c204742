/**
 * What every widget shares: its common options, how they travel to the browser, and how loose
 * option lists are normalized.
 */
import type { Json } from "@dash/runtime/protocol.ts";
import { equal } from "@dash/runtime/tree.ts";
import type { CommonProps } from "./defineWidget.ts";

export type LabelVisibility = "visible" | "hidden" | "collapsed";

/** Options every widget takes. */
export interface WidgetOptions<T> {
  /** Makes the widget's identity explicit and mirrors its value in `dash.state[key]`. */
  key?: string;
  /** A tooltip shown next to the label. */
  help?: string;
  disabled?: boolean;
  /** Called with the new value before the rerun it causes. */
  onChange?: (value: T) => void;
  labelVisibility?: LabelVisibility;
  /** Bind the value to this URL query parameter, so a view can be shared as a link. */
  query?: string;
}

/** Props common to all widgets, as the browser needs them. */
export function commonProps(options: WidgetOptions<never> | undefined): CommonProps {
  const props: CommonProps = {};
  if (options?.help) props.help = options.help;
  if (options?.disabled) props.disabled = true;
  if (options?.labelVisibility && options.labelVisibility !== "visible") props.labelVisibility = options.labelVisibility;
  return props;
}

/** Text for any value: the label of an option when no `format` is given. */
export function defaultFormat(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (typeof record.label === "string") return record.label;
    if (typeof record.name === "string") return record.name;
    return JSON.stringify(value);
  }
  return String(value);
}

/** Options of a select-like widget with their labels. */
export interface OptionList<T> {
  values: readonly T[];
  labels: string[];
  indexOf(value: unknown): number;
}

export function maybeOptions<T>(options: Iterable<T> | ArrayLike<T>, format?: (option: T) => unknown): OptionList<T> {
  const values = Array.from(options as Iterable<T>);
  const labels = values.map((value) => String(format ? format(value) : defaultFormat(value)));
  return {
    values,
    labels,
    indexOf(value: unknown): number {
      const index = values.findIndex((option) => equal(option, value) || (option instanceof Date && value instanceof Date && +option === +value));
      return index;
    },
  };
}

/** A number from the browser, or undefined when it is not a finite number. */
export function maybeNumber(wire: Json | unknown): number | undefined {
  return typeof wire === "number" && Number.isFinite(wire) ? wire : undefined;
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
