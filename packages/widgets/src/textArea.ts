import { scopeOf } from "@dash/runtime/scope.ts";
import { textCall, type TextInputOptions } from "./textInput.ts";
import { textAreaWidget } from "./widget.ts";

export interface TextAreaOptions extends Omit<TextInputOptions, "type"> {
  /** Height in pixels. */
  height?: number;
}

/**
 * A multi-line text field. The value is sent on blur or Ctrl/⌘+Enter.
 * @example const sql = dash.textArea("Query", { value: "SELECT 1" });
 */
export function textArea(this: unknown, label: string, options: TextAreaOptions = {}): string {
  const call = textCall(label, options);
  if (options.height) call.props.height = options.height;
  return textAreaWidget.render(scopeOf(this), call);
}
