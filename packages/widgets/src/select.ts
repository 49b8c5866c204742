import { scopeOf } from "@dash/runtime/scope.ts";
import { commonProps, maybeOptions, type OptionList, type WidgetOptions } from "./common.ts";
import type { WidgetCall } from "./defineWidget.ts";
import { selectWidget, type OptionProps } from "./widget.ts";

export interface SelectOptions<T> extends WidgetOptions<T> {
  /** The option chosen at first (default: the first option). */
  value?: T;
  /** The label shown for an option (default: its text). */
  format?: (option: T) => unknown;
  placeholder?: string;
}

/** The call shared by `select` and `radio`: one option of the list (the value rule is `optionRule` in widget.ts). */
export function optionCall<T>(label: string, options: Iterable<T> | ArrayLike<T>, opts: SelectOptions<T>): WidgetCall<T, OptionProps, OptionList<unknown>> {
  const list = maybeOptions(options, opts.format);
  const initialIndex = opts.value === undefined ? 0 : Math.max(0, list.indexOf(opts.value));
  const props: OptionProps = { ...commonProps(opts), options: list.labels };
  if (opts.placeholder) props.placeholder = opts.placeholder;
  return { label, key: opts.key, props, given: list, initial: list.values[initialIndex] as T, query: opts.query, onChange: opts.onChange };
}

/**
 * A drop-down. Returns the chosen option (any value; `format` gives its label).
 * @example const state = dash.sidebar.select("State", ["CA", "TX", "NY"], { value: "CA" });
 */
export function select<T>(this: unknown, label: string, options: Iterable<T> | ArrayLike<T>, opts: SelectOptions<T> = {}): T {
  return selectWidget.render<T>(scopeOf(this), optionCall(label, options, opts));
}
