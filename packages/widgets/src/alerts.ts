import { scopeOf } from "@dash/runtime/scope.ts";

export interface AlertOptions {
  icon?: string;
}

function alert(self: unknown, kind: string, message: string, options: AlertOptions): void {
  scopeOf(self).add("alert", options.icon ? { kind, text: String(message), icon: options.icon } : { kind, text: String(message) });
}

/** A blue note. Markdown is allowed. */
export function info(this: unknown, message: string, options: AlertOptions = {}): void {
  alert(this, "info", message, options);
}
/** A green confirmation. */
export function success(this: unknown, message: string, options: AlertOptions = {}): void {
  alert(this, "success", message, options);
}
/** A yellow warning. */
export function warning(this: unknown, message: string, options: AlertOptions = {}): void {
  alert(this, "warning", message, options);
}
/** A red error message (to show an Error with its stack, use `exception`). */
export function error(this: unknown, message: string, options: AlertOptions = {}): void {
  alert(this, "error", message, options);
}
