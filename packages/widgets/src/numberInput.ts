import { scopeOf } from "@dash/runtime/scope.ts";
import { commonProps, type WidgetOptions } from "./common.ts";
import { numberInputWidget } from "./widget.ts";

export interface NumberInputOptions extends WidgetOptions<number> {
  min?: number;
  max?: number;
  step?: number;
  /** Default: `min`, or 0. */
  value?: number;
  placeholder?: string;
}

/**
 * A number field with − / + steppers. Values outside `[min, max]` are clamped.
 * @example const n = dash.numberInput("Rows", { min: 1, max: 1000, value: 10 });
 */
export function numberInput(this: unknown, label: string, options: NumberInputOptions = {}): number {
  const min = options.min ?? -Infinity;
  const max = options.max ?? Infinity;
  const given = { min, max };
  const props = { ...commonProps(options), step: options.step ?? 1 };
  if (Number.isFinite(min)) Object.assign(props, { min });
  if (Number.isFinite(max)) Object.assign(props, { max });
  if (options.placeholder) Object.assign(props, { placeholder: options.placeholder });
  return numberInputWidget.render(scopeOf(this), {
    label,
    key: options.key,
    props,
    given,
    initial: numberInputWidget.value.coerce(options.value ?? (Number.isFinite(min) ? min : 0), given) ?? 0,
    query: options.query,
    onChange: options.onChange,
  });
}
