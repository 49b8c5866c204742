import { scopeOf } from "@dash/runtime/scope.ts";
import { optionCall, type SelectOptions } from "./select.ts";
import { radioWidget } from "./widget.ts";

export interface RadioOptions<T> extends SelectOptions<T> {
  horizontal?: boolean;
}

/**
 * A group of radio buttons. Returns the chosen option.
 * @example const unit = dash.radio("Unit", ["°C", "°F"]);
 */
export function radio<T>(this: unknown, label: string, options: Iterable<T> | ArrayLike<T>, opts: RadioOptions<T> = {}): T {
  const call = optionCall(label, options, opts);
  return radioWidget.render<T>(scopeOf(this), opts.horizontal ? { ...call, props: { ...call.props, horizontal: true } } : call);
}
