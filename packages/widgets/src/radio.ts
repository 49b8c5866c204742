import { scopeOf } from "@dash/runtime/scope.ts";
import { optionSpec, type SelectOptions } from "./select.ts";

export interface RadioOptions<T> extends SelectOptions<T> {
  horizontal?: boolean;
}

/**
 * A group of radio buttons. Returns the chosen option.
 * @example const unit = dash.radio("Unit", ["°C", "°F"]);
 */
export function radio<T>(this: unknown, label: string, options: Iterable<T> | ArrayLike<T>, opts: RadioOptions<T> = {}): T {
  const spec = optionSpec("radio", label, options, opts);
  if (opts.horizontal) spec.props.horizontal = true;
  return scopeOf(this).widget(spec);
}
