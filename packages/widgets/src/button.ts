import { scopeOf } from "@dash/runtime/scope.ts";
import { commonProps, type WidgetOptions } from "./common.ts";
import { buttonWidget } from "./widget.ts";

export interface ButtonOptions extends Omit<WidgetOptions<boolean>, "onChange" | "query"> {
  /** Called before the rerun the click causes. */
  onClick?: () => void;
  /** `"primary"` draws a filled, accented button. */
  type?: "primary" | "secondary";
}

/**
 * A button. Returns `true` on the run caused by its click, `false` otherwise.
 * @example if (dash.button("Refresh")) dash.toast("Refreshing…");
 */
export function button(this: unknown, label: string, options: ButtonOptions = {}): boolean {
  const onClick = options.onClick;
  return buttonWidget.render(scopeOf(this), {
    label,
    key: options.key,
    props: { ...commonProps(options), variant: options.type ?? "secondary" },
    initial: false,
    onChange: onClick ? () => onClick() : undefined,
  });
}
