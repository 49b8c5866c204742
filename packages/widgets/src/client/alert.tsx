import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useMarkdown } from "./markdown.tsx";

// Text symbols, not emoji: they take the alert's colour and render without an emoji font.
const icons: Record<string, string> = { info: "ℹ\uFE0E", success: "✓", warning: "⚠\uFE0E", error: "✕" };

export function Alert({ node }: RendererProps) {
  const kind = String(node.props.kind);
  const text = String(node.props.text);
  const html = useMarkdown(text);
  return (
    <div class={`dash-alert ${kind}`} role={kind === "error" || kind === "warning" ? "alert" : "status"}>
      <span class="dash-alert-icon" aria-hidden="true">
        {String(node.props.icon ?? icons[kind] ?? "")}
      </span>
      <div class="dash-markdown" dangerouslySetInnerHTML={{ __html: html ?? "" }} />
    </div>
  );
}
