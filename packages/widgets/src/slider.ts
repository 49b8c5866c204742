import { scopeOf } from "@dash/runtime/scope.ts";
import { commonProps, type WidgetOptions } from "./common.ts";
import { sliderWidget } from "./widget.ts";

export interface SliderOptions<V extends number | [number, number]> extends WidgetOptions<V> {
  min?: number;
  max?: number;
  step?: number;
  /** A number, or a `[low, high]` pair for a range slider. Default: `min`. */
  value?: V;
  /** How the value is shown, e.g. `(v) => v + " %"`. */
  format?: (value: number) => string;
}

const defaults = { min: 0, max: 100, step: 1 };

/**
 * A slider. Returns a number, or a `[low, high]` pair when `value` is a pair.
 * Values from the browser are clamped to `[min, max]` and rounded to `step`.
 * @example const year = dash.slider("Year", { min: 2000, max: 2024, value: 2016 });
 */
export function slider(this: unknown, label: string, options?: SliderOptions<number>): number;
export function slider(this: unknown, label: string, options: SliderOptions<[number, number]> & { value: [number, number] }): [number, number];
export function slider(this: unknown, label: string, options: SliderOptions<number> | SliderOptions<[number, number]> = {}): number | [number, number] {
  const min = options.min ?? defaults.min;
  const max = options.max ?? Math.max(min, defaults.max);
  const step = options.step ?? (Number.isInteger(min) && Number.isInteger(max) ? defaults.step : (max - min) / 100);
  const range = Array.isArray(options.value);
  const given = { min, max, step, range };
  const props = { ...commonProps(options), min, max, step };
  if (options.format) {
    const format = options.format;
    const marks = [min, max].map(format);
    Object.assign(props, { minLabel: marks[0], maxLabel: marks[1] });
  }
  return sliderWidget.render(scopeOf(this), {
    label,
    key: options.key,
    props,
    given,
    initial: sliderWidget.value.coerce(options.value ?? min, given) ?? (range ? [min, max] : min),
    query: options.query,
    onChange: options.onChange as ((value: number | [number, number]) => void) | undefined,
  });
}
