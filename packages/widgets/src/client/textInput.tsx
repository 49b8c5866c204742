import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useWidget } from "@dash/runtime/client/context.ts";
import { LabeledInput } from "./common.tsx";

/** Shown as typed; sent on Enter or when the field loses focus. */
export function TextInput({ id, node }: RendererProps) {
  const [value, show, commit] = useWidget<string>(node.props);
  const p = node.props;
  return (
    <LabeledInput
      id={id}
      props={p}
      type={p.password ? "password" : "text"}
      value={value}
      maxLength={Number(p.maxChars)}
      placeholder={p.placeholder as string | undefined}
      autoComplete={p.password ? "current-password" : "off"}
      onInput={(e) => show(e.currentTarget.value)}
      onChange={(e) => commit(e.currentTarget.value)}
      onKeyDown={(e) => e.key === "Enter" && commit(e.currentTarget.value)}
    />
  );
}
