import { scopeOf } from "@dash/runtime/scope.ts";
import { optionSpec, type SelectOptions } from "./select.ts";
import { radioWidget } from "./widget.ts";

export interface RadioOptions<T> extends SelectOptions<T> {
  horizontal?: boolean;
}

/**
 * A group of radio buttons. Returns the chosen option.
 * @example const unit = dash.radio("Unit", ["°C", "°F"]);
 */
export function radio<T>(this: unknown, label: string, options: Iterable<T> | ArrayLike<T>, opts: RadioOptions<T> = {}): T {
  const spec = optionSpec(label, options, opts);
  return radioWidget.render(scopeOf(this), opts.horizontal ? { ...spec, props: { ...spec.props, horizontal: true } } : spec);
}
