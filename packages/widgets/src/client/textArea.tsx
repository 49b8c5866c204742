import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useWidget } from "@dash/runtime/client/context.ts";
import { LabeledInput } from "./common.tsx";

/** Sent on blur or Ctrl/⌘+Enter. */
export function TextArea({ id, node }: RendererProps) {
  const [value, show, commit] = useWidget<string>(node.props);
  const p = node.props;
  return (
    <LabeledInput
      id={id}
      props={p}
      textarea
      value={value}
      maxLength={Number(p.maxChars)}
      placeholder={p.placeholder as string | undefined}
      style={p.height ? { height: `${Number(p.height)}px` } : undefined}
      onInput={(e) => show(e.currentTarget.value)}
      onChange={(e) => commit(e.currentTarget.value)}
      onKeyDown={(e) => (e.ctrlKey || e.metaKey) && e.key === "Enter" && commit(e.currentTarget.value)}
    />
  );
}
