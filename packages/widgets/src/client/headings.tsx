import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { Help } from "./common.tsx";

function anchor(props: Record<string, unknown>): string {
  return String(
    props.anchor ??
      String(props.text)
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, ""),
  );
}

export function Title({ node }: RendererProps) {
  return (
    <h1 id={anchor(node.props)}>
      {String(node.props.text)}
      <Help text={node.props.help as string | undefined} />
    </h1>
  );
}

export function Header({ node }: RendererProps) {
  return (
    <h2 id={anchor(node.props)}>
      {String(node.props.text)}
      <Help text={node.props.help as string | undefined} />
    </h2>
  );
}

export function Subheader({ node }: RendererProps) {
  return (
    <h3 id={anchor(node.props)}>
      {String(node.props.text)}
      <Help text={node.props.help as string | undefined} />
    </h3>
  );
}
