import { scopeOf } from "@dash/runtime/scope.ts";
import { commonProps, type WidgetOptions } from "./common.ts";
import { textInputWidget, type DeclaredSpec, type TextProps } from "./widget.ts";

export interface TextInputOptions extends WidgetOptions<string> {
  value?: string;
  placeholder?: string;
  /** `"password"` hides what is typed. */
  type?: "default" | "password";
  /** The most characters accepted. */
  maxChars?: number;
}

export function textSpec(label: string, options: TextInputOptions): DeclaredSpec<string, TextProps, string> {
  const maxChars = options.maxChars ?? 100_000;
  const coerce = (value: unknown): string | undefined => (typeof value === "string" ? value.slice(0, maxChars) : undefined);
  const props: TextProps = { ...commonProps(options), maxChars };
  if (options.placeholder) props.placeholder = options.placeholder;
  if (options.type === "password") props.password = true;
  return {
    label,
    key: options.key,
    props,
    initial: coerce(options.value ?? "") ?? "",
    parse: coerce,
    coerce,
    toWire: (value) => value,
    fromQuery: coerce,
    toQuery: (value) => value,
    query: options.type === "password" ? undefined : options.query,
    onChange: options.onChange,
  };
}

/**
 * A one-line text field. The value is sent when the field loses focus or Enter is pressed.
 * @example const name = dash.textInput("Name", { placeholder: "Ada" });
 */
export function textInput(this: unknown, label: string, options: TextInputOptions = {}): string {
  return textInputWidget.render(scopeOf(this), textSpec(label, options));
}
