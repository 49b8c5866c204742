import { scopeOf } from "@dash/runtime/scope.ts";

export interface MarkdownOptions {
  help?: string;
  /**
   * Keep raw HTML in the text (`<b>`, `<span style=…>`) instead of showing it as text. It is still
   * sanitized (no script, event handler or javascript: URL survives), but styles and remote images
   * do: never pass text a viewer controls (a query parameter, an upload) with this on.
   */
  unsafeAllowHtml?: boolean;
}

/**
 * GitHub-flavoured markdown, rendered in the browser. Raw HTML in the text is shown as text
 * unless `unsafeAllowHtml` is set; even then it is sanitized (no script ever runs).
 * @example dash.markdown("**Bold**, _italic_, `code`, [a link](https://example.com)");
 */
export function markdown(this: unknown, text: string, options: MarkdownOptions = {}): void {
  const props: Record<string, string | boolean> = { text: String(text) };
  if (options.help) props.help = options.help;
  if (options.unsafeAllowHtml) props.html = true;
  scopeOf(this).add("markdown", props);
}
