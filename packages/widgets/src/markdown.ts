import { scopeOf } from "@dash/runtime/scope.ts";

/**
 * GitHub-flavoured markdown. Rendered in the browser and sanitized: raw HTML that could run
 * script (`<script>`, `onerror=`, `javascript:` links) is removed.
 * @example dash.markdown("**Bold**, _italic_, `code`, [a link](https://example.com)");
 */
export function markdown(this: unknown, text: string, options: { help?: string } = {}): void {
  scopeOf(this).add("markdown", options.help ? { text: String(text), help: options.help } : { text: String(text) });
}
