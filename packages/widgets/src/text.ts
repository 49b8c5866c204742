import { scopeOf } from "@dash/runtime/scope.ts";

/** Plain text, shown as is (no markdown), in a fixed-width font. */
export function text(this: unknown, body: unknown, options: { help?: string } = {}): void {
  scopeOf(this).add("text", options.help ? { text: String(body), help: options.help } : { text: String(body) });
}

/** Small, muted text for notes and sources. Markdown is allowed. */
export function caption(this: unknown, body: string): void {
  scopeOf(this).add("caption", { text: String(body) });
}
