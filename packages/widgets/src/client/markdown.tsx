import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useEffect, useMemo, useState } from "preact/hooks";

type MarkdownChunk = typeof import("./markdownChunk.ts");

let loading: Promise<MarkdownChunk> | null = null;
let loaded: MarkdownChunk | null = null;

/** Import the markdown renderer (once). The page starts this as soon as it has said hello. */
export function loadMarkdown(): Promise<MarkdownChunk> {
  loading ??= import("./markdownChunk.ts").then((chunk) => (loaded = chunk));
  return loading;
}

/**
 * `text` as sanitized HTML; `null` in the rare case the renderer has not arrived yet (the element
 * then fills in when it does).
 */
export function useMarkdown(text: string, inline = false): string | null {
  const [chunk, setChunk] = useState<MarkdownChunk | null>(loaded);
  useEffect(() => {
    if (!chunk) void loadMarkdown().then(setChunk);
  }, [chunk]);
  return useMemo(() => chunk?.renderMarkdown(text, inline) ?? null, [chunk, text, inline]);
}

export function Markdown({ node }: RendererProps) {
  const html = useMarkdown(String(node.props.text));
  return <div class="dash-markdown" dangerouslySetInnerHTML={{ __html: html ?? "" }} />;
}

export function Caption({ node }: RendererProps) {
  const html = useMarkdown(String(node.props.text), true);
  return <p class="dash-caption" dangerouslySetInnerHTML={{ __html: html ?? "" }} />;
}
