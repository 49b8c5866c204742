import type { RendererProps } from "@dash/runtime/client/app.tsx";

export function Text({ node }: RendererProps) {
  return <pre class="dash-text">{String(node.props.text)}</pre>;
}
