import { scopeOf } from "@dash/runtime/scope.ts";
import { commonProps, maybeOptions, type OptionList, type WidgetOptions } from "./common.ts";
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
  const given = { list: list as OptionList<unknown>, range };
  return selectSliderWidget.render<T | [T, T]>(scopeOf(this), {
    label,
    key: opts.key,
    props: { ...commonProps(opts), options: list.labels, range },
    given,
    initial:
      (opts.value !== undefined ? (selectSliderWidget.value.coerce(opts.value, given) as T | [T, T] | undefined) : undefined) ??
      (range ? ([list.values[0], list.values[last]] as [T, T]) : (list.values[0] as T)),
    query: opts.query,
    onChange: opts.onChange as ((value: T | [T, T]) => void) | undefined,
  });
}
