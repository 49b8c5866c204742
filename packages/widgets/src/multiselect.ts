import { scopeOf } from "@dash/runtime/scope.ts";
import { commonProps, maybeOptions, type WidgetOptions } from "./common.ts";
import { multiselectWidget } from "./widget.ts";

export interface MultiselectOptions<T> extends WidgetOptions<T[]> {
  value?: T[];
  format?: (option: T) => unknown;
  /** The most options that can be chosen. */
  maxSelections?: number;
  placeholder?: string;
}

/**
 * Choose any number of options. Returns the chosen options, in the order of `options`.
 * @example const tags = dash.multiselect("Tags", allTags, { value: ["#ai"] });
 */
export function multiselect<T>(this: unknown, label: string, options: Iterable<T> | ArrayLike<T>, opts: MultiselectOptions<T> = {}): T[] {
  const list = maybeOptions(options, opts.format);
  const max = opts.maxSelections ?? Infinity;
  const fromIndexes = (indexes: number[]): T[] | undefined => {
    if (indexes.some((i) => !Number.isInteger(i) || i < 0 || i >= list.values.length) || indexes.length > max) return undefined;
    return [...new Set(indexes)].sort((a, b) => a - b).map((i) => list.values[i] as T);
  };
  const coerce = (value: unknown): T[] | undefined => {
    if (!Array.isArray(value)) return undefined;
    return fromIndexes(value.map((v) => list.indexOf(v)));
  };
  const props = { ...commonProps(opts), options: list.labels, ...(Number.isFinite(max) ? { maxSelections: max } : {}) };
  if (opts.placeholder) Object.assign(props, { placeholder: opts.placeholder });
  return multiselectWidget.render(scopeOf(this), {
    label,
    key: opts.key,
    props,
    initial: coerce(opts.value ?? []) ?? [],
    parse: (wire) => (Array.isArray(wire) && wire.every((i) => typeof i === "number") ? fromIndexes(wire as number[]) : undefined),
    coerce,
    toWire: (value) => value.map((v) => list.indexOf(v)),
    fromQuery: (text) => (text === "" ? [] : fromIndexes(text.split(",").map((label) => list.labels.indexOf(label)))),
    toQuery: (value) => value.map((v) => list.labels[list.indexOf(v)]).join(","),
    query: opts.query,
    onChange: opts.onChange,
  });
}
