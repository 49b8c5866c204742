import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useMemo } from "preact/hooks";
import { lazyImport } from "./lazyImport.ts";

const renderer = lazyImport(() => import("./markdownChunk.ts"));

/** Import the markdown renderer (once). The page starts this as soon as it has said hello. */
export const loadMarkdown = renderer.load;

/**
 * `text` as sanitized HTML; `null` in the rare case the renderer has not arrived yet (the element
 * then fills in when it does).
 */
export function useMarkdown(text: string, inline = false, allowHtml = false): string | null {
  const chunk = renderer.use();
  return useMemo(() => chunk?.renderMarkdown(text, inline, allowHtml) ?? null, [chunk, text, inline, allowHtml]);
}

export function Markdown({ node }: RendererProps) {
  const html = useMarkdown(String(node.props.text), false, node.props.html === true);
  return <div class="dash-markdown" dangerouslySetInnerHTML={{ __html: html ?? "" }} />;
}

export function Caption({ node }: RendererProps) {
  const html = useMarkdown(String(node.props.text), true);
  return <p class="dash-caption" dangerouslySetInnerHTML={{ __html: html ?? "" }} />;
}
