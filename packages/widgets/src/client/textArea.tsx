import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useWidget } from "@dash/runtime/client/context.ts";
import { domId, Label } from "./common.tsx";

/** Sent on blur or Ctrl/⌘+Enter. */
export function TextArea({ id, node }: RendererProps) {
  const [value, show, commit] = useWidget<string>(node.props);
  const p = node.props;
  return (
    <div class="dash-field">
      <Label props={p} htmlFor={domId(id)} />
      <textarea
        id={domId(id)}
        class="dash-input"
        value={value}
        maxLength={Number(p.maxChars)}
        placeholder={p.placeholder as string | undefined}
        disabled={p.disabled === true}
        style={p.height ? { height: `${Number(p.height)}px` } : undefined}
        onInput={(e) => show(e.currentTarget.value)}
        onChange={(e) => commit(e.currentTarget.value)}
        onKeyDown={(e) => (e.ctrlKey || e.metaKey) && e.key === "Enter" && commit(e.currentTarget.value)}
      />
    </div>
  );
}
