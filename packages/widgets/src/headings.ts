import { scopeOf } from "@dash/runtime/scope.ts";

export interface HeadingOptions {
  /** An anchor id for links to this heading (default: from the text). */
  anchor?: string;
  help?: string;
}

function heading(self: unknown, type: string, text: string, options: HeadingOptions): void {
  const props: Record<string, string> = { text: String(text) };
  if (options.anchor) props.anchor = options.anchor;
  if (options.help) props.help = options.help;
  scopeOf(self).add(type, props);
}

/** The page's title: the largest heading (`<h1>`). */
export function title(this: unknown, text: string, options: HeadingOptions = {}): void {
  heading(this, "title", text, options);
}

/** A section heading (`<h2>`). */
export function header(this: unknown, text: string, options: HeadingOptions = {}): void {
  heading(this, "header", text, options);
}

/** A sub-section heading (`<h3>`). */
export function subheader(this: unknown, text: string, options: HeadingOptions = {}): void {
  heading(this, "subheader", text, options);
}
