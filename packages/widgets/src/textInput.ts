import { scopeOf } from "@dash/runtime/scope.ts";
import { commonProps, type WidgetOptions } from "./common.ts";
import type { WidgetCall } from "./defineWidget.ts";
import { textInputWidget, type TextProps } from "./widget.ts";

export interface TextInputOptions extends WidgetOptions<string> {
  value?: string;
  placeholder?: string;
  /** `"password"` hides what is typed. */
  type?: "default" | "password";
  /** The most characters accepted. */
  maxChars?: number;
}

/** The call shared by `textInput` and `textArea` (the value rule is `textRule` in widget.ts). */
export function textCall(label: string, options: TextInputOptions): WidgetCall<string, TextProps, { maxChars: number }> {
  const maxChars = options.maxChars ?? 100_000;
  const props: TextProps = { ...commonProps(options), maxChars };
  if (options.placeholder) props.placeholder = options.placeholder;
  if (options.type === "password") props.password = true;
  return {
    label,
    key: options.key,
    props,
    given: { maxChars },
    initial: textInputWidget.value.coerce(options.value ?? "", { maxChars }) ?? "",
    query: options.type === "password" ? undefined : options.query,
    onChange: options.onChange,
  };
}

/**
 * A one-line text field. The value is sent when the field loses focus or Enter is pressed.
 * @example const name = dash.textInput("Name", { placeholder: "Ada" });
 */
export function textInput(this: unknown, label: string, options: TextInputOptions = {}): string {
  return textInputWidget.render(scopeOf(this), textCall(label, options));
}
