import { scopeOf } from "@dash/runtime/scope.ts";
import { commonProps, maybeOptions, type WidgetOptions } from "./common.ts";
import { selectSliderWidget } from "./widget.ts";

export interface SelectSliderOptions<T, V extends T | [T, T]> extends WidgetOptions<V> {
  value?: V;
  format?: (option: T) => unknown;
}

/**
 * A slider over a list of options (sizes, months…). Returns an option, or a `[from, to]` pair
 * when `value` is a pair.
 * @example const size = dash.selectSlider("Size", ["S", "M", "L", "XL"], { value: "M" });
 */
export function selectSlider<T>(this: unknown, label: string, options: Iterable<T> | ArrayLike<T>, opts?: SelectSliderOptions<T, T>): T;
export function selectSlider<T>(
  this: unknown,
  label: string,
  options: Iterable<T> | ArrayLike<T>,
  opts: SelectSliderOptions<T, [T, T]> & { value: [T, T] },
): [T, T];
export function selectSlider<T>(
  this: unknown,
  label: string,
  options: Iterable<T> | ArrayLike<T>,
  opts: SelectSliderOptions<T, T> | SelectSliderOptions<T, [T, T]> = {},
): T | [T, T] {
  const list = maybeOptions(options, opts.format);
  const range = Array.isArray(opts.value) && opts.value.length === 2 && list.indexOf(opts.value) < 0;
  const last = list.values.length - 1;
  const fromIndexes = (wire: unknown): T | [T, T] | undefined => {
    const ok = (i: unknown): i is number => typeof i === "number" && Number.isInteger(i) && i >= 0 && i <= last;
    if (range) {
      if (!Array.isArray(wire) || wire.length !== 2 || !wire.every(ok)) return undefined;
      const [a, b] = (wire as number[]).slice().sort((x, y) => x - y) as [number, number];
      return [list.values[a] as T, list.values[b] as T];
    }
    return ok(wire) ? (list.values[wire] as T) : undefined;
  };
  const toIndexes = (value: T | [T, T]): number | number[] => (range ? (value as [T, T]).map((v) => list.indexOf(v)) : list.indexOf(value));
  const coerce = (value: unknown): T | [T, T] | undefined => {
    if (range) return Array.isArray(value) && value.length === 2 ? fromIndexes(value.map((v) => list.indexOf(v))) : undefined;
    return fromIndexes(list.indexOf(value));
  };
  return selectSliderWidget.render(scopeOf(this), {
    label,
    key: opts.key,
    props: { ...commonProps(opts), options: list.labels, range },
    initial: (opts.value !== undefined ? coerce(opts.value) : undefined) ?? (range ? [list.values[0] as T, list.values[last] as T] : (list.values[0] as T)),
    parse: fromIndexes,
    coerce,
    toWire: toIndexes,
    fromQuery: (text) => fromIndexes(range ? text.split(",").map((l) => list.labels.indexOf(l)) : list.labels.indexOf(text)),
    toQuery: (value) => (range ? (value as [T, T]).map((v) => list.labels[list.indexOf(v)]).join(",") : (list.labels[list.indexOf(value)] ?? "")),
    query: opts.query,
    onChange: opts.onChange as ((value: T | [T, T]) => void) | undefined,
  });
}
