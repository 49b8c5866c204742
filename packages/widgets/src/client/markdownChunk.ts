/**
 * The markdown renderer (marked and DOMPurify), a chunk of its own: building marked's GFM rules
 * takes ~60 ms in a browser, which the page would otherwise spend before it opens its WebSocket.
 * The page imports it once it has asked the server for its page (see `loadMarkdown`).
 */
import DOMPurify from "dompurify";
import { marked } from "marked";

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
