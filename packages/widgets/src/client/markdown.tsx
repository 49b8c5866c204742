import type { RendererProps } from "@dash/runtime/client/app.tsx";
import DOMPurify from "dompurify";
import { marked } from "marked";
import { useMemo } from "preact/hooks";

// Links open safely in a new tab; DOMPurify strips scripts, event handlers and javascript: URLs.
DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A" && node.getAttribute("href")?.match(/^https?:/)) {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

// Set once: a config passed to each sanitize() call is parsed again on every call.
DOMPurify.setConfig({ USE_PROFILES: { html: true }, FORBID_TAGS: ["style", "form", "input", "button", "iframe"] });

/** Markdown to sanitized HTML (GitHub-flavoured). */
export function renderMarkdown(text: string, inline = false): string {
  const html = inline ? (marked.parseInline(text, { gfm: true, async: false }) as string) : (marked.parse(text, { gfm: true, async: false }) as string);
  return DOMPurify.sanitize(html);
}

export function Markdown({ node }: RendererProps) {
  const text = String(node.props.text);
  const html = useMemo(() => renderMarkdown(text), [text]);
  return <div class="dash-markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}

export function Caption({ node }: RendererProps) {
  const text = String(node.props.text);
  const html = useMemo(() => renderMarkdown(text, true), [text]);
  return <p class="dash-caption" dangerouslySetInnerHTML={{ __html: html }} />;
}
