import { scopeOf } from "@dash/runtime/scope.ts";

/** A short notification in the corner of the page that disappears by itself. */
export function toast(this: unknown, message: string, options: { icon?: string } = {}): void {
  const scope = scopeOf(this);
  scope.run.session.host.send(options.icon ? { t: "toast", message: String(message), icon: options.icon } : { t: "toast", message: String(message) });
}
