import { scopeOf } from "@dash/runtime/scope.ts";
import { commonProps, maybeOptions, type WidgetOptions } from "./common.ts";
import { selectWidget, type DeclaredSpec, type OptionProps } from "./widget.ts";

export interface SelectOptions<T> extends WidgetOptions<T> {
  /** The option chosen at first (default: the first option). */
  value?: T;
  /** The label shown for an option (default: its text). */
  format?: (option: T) => unknown;
  placeholder?: string;
}

/** The spec shared by `select` and `radio`: one option, sent as its index, read from the URL by label. */
export function optionSpec<T>(label: string, options: Iterable<T> | ArrayLike<T>, opts: SelectOptions<T>): DeclaredSpec<T, OptionProps, number> {
  const list = maybeOptions(options, opts.format);
  const initialIndex = opts.value === undefined ? 0 : Math.max(0, list.indexOf(opts.value));
  const props: OptionProps = { ...commonProps(opts), options: list.labels };
  if (opts.placeholder) props.placeholder = opts.placeholder;
  return {
    label,
    key: opts.key,
    props,
    initial: list.values[initialIndex] as T,
    parse: (wire) => (typeof wire === "number" && Number.isInteger(wire) && wire >= 0 && wire < list.values.length ? (list.values[wire] as T) : undefined),
    coerce: (value) => {
      const index = list.indexOf(value);
      return index >= 0 ? (list.values[index] as T) : undefined;
    },
    toWire: (value) => list.indexOf(value),
    fromQuery: (text) => {
      const index = list.labels.indexOf(text);
      return index >= 0 ? (list.values[index] as T) : undefined;
    },
    toQuery: (value) => list.labels[list.indexOf(value)] ?? "",
    query: opts.query,
    onChange: opts.onChange,
  };
}

/**
 * A drop-down. Returns the chosen option (any value; `format` gives its label).
 * @example const state = dash.sidebar.select("State", ["CA", "TX", "NY"], { value: "CA" });
 */
export function select<T>(this: unknown, label: string, options: Iterable<T> | ArrayLike<T>, opts: SelectOptions<T> = {}): T {
  return selectWidget.render(scopeOf(this), optionSpec(label, options, opts));
}
