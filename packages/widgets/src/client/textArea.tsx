import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useWidget } from "@dash/runtime/client/context.ts";
import { textAreaWidget } from "../widget.ts";
import { LabeledInput } from "./common.tsx";

/** Sent on blur or Ctrl/⌘+Enter. */
export function TextArea({ id, node }: RendererProps) {
  const p = textAreaWidget.propsOf(node);
  const [value, show, commit] = useWidget(p);
  return (
    <LabeledInput
      id={id}
      props={p}
      textarea
      value={value}
      maxLength={p.maxChars}
      placeholder={p.placeholder}
      style={p.height ? { height: `${p.height}px` } : undefined}
      onInput={(e) => show(e.currentTarget.value)}
      onChange={(e) => commit(e.currentTarget.value)}
      onKeyDown={(e) => (e.ctrlKey || e.metaKey) && e.key === "Enter" && commit(e.currentTarget.value)}
    />
  );
}
