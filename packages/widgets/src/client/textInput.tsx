import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useWidget } from "@dash/runtime/client/context.ts";
import { textInputWidget } from "../widget.ts";
import { LabeledInput } from "./common.tsx";

/** Shown as typed; sent on Enter or when the field loses focus. */
export function TextInput({ id, node }: RendererProps) {
  const p = textInputWidget.propsOf(node);
  const [value, show, commit] = useWidget(p);
  return (
    <LabeledInput
      id={id}
      props={p}
      type={p.password ? "password" : "text"}
      value={value}
      maxLength={p.maxChars}
      placeholder={p.placeholder}
      autoComplete={p.password ? "current-password" : "off"}
      onInput={(e) => show(e.currentTarget.value)}
      onChange={(e) => commit(e.currentTarget.value)}
      onKeyDown={(e) => e.key === "Enter" && commit(e.currentTarget.value)}
    />
  );
}
