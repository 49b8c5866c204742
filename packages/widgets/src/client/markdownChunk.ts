/**
 * The markdown renderer (marked and DOMPurify), a chunk of its own: building marked's GFM rules
 * takes ~60 ms in a browser, which the page would otherwise spend before it opens its WebSocket.
 * The page imports it once it has asked the server for its page (see `loadMarkdown`).
 */
import DOMPurify from "dompurify";
import { Marked } from "marked";

// Links open safely in a new tab; DOMPurify strips scripts, event handlers and javascript: URLs.
DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A" && node.getAttribute("href")?.match(/^https?:/)) {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

// Set once: a config passed to each sanitize() call is parsed again on every call.
DOMPurify.setConfig({ USE_PROFILES: { html: true }, FORBID_TAGS: ["style", "form", "input", "button", "iframe"] });

const escapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => escapes[c]!);

/** Raw HTML in the text is shown as the text it is (as Streamlit does without unsafe_allow_html). */
const escaping = new Marked({ gfm: true, async: false, renderer: { html: ({ text }) => escapeHtml(text) } });
/** The author opted in (`unsafeAllowHtml`): raw HTML is kept, then sanitized like the rest. */
const allowing = new Marked({ gfm: true, async: false });

/** Markdown to sanitized HTML (GitHub-flavoured); raw HTML is escaped unless `allowHtml`. */
export function renderMarkdown(text: string, inline = false, allowHtml = false): string {
  const marked = allowHtml ? allowing : escaping;
  const html = (inline ? marked.parseInline(text) : marked.parse(text)) as string;
  return DOMPurify.sanitize(html);
}
