import { scopeOf } from "@dash/runtime/scope.ts";
import { clamp, commonProps, type WidgetOptions } from "./common.ts";
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
  const snap = (v: number): number => {
    const snapped = min + Math.round((clamp(v, min, max) - min) / step) * step;
    return Number(clamp(snapped, min, max).toFixed(10));
  };
  const range = Array.isArray(options.value);
  const coerce = (value: unknown): number | [number, number] | undefined => {
    if (range) {
      if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === "number" && Number.isFinite(v))) return undefined;
      const [a, b] = (value as number[]).map(snap) as [number, number];
      return a <= b ? [a, b] : [b, a];
    }
    return typeof value === "number" && Number.isFinite(value) ? snap(value) : undefined;
  };
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
    initial: coerce(options.value ?? min) ?? (range ? [min, max] : min),
    parse: coerce,
    coerce,
    toWire: (value) => value,
    fromQuery: (text) => coerce(range ? text.split(",").map(Number) : Number(text)),
    toQuery: (value) => String(value),
    query: options.query,
    onChange: options.onChange as ((value: number | [number, number]) => void) | undefined,
  });
}
