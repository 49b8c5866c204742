import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useWidget } from "@dash/runtime/client/context.ts";
import { timeInputWidget } from "../widget.ts";
import { LabeledInput } from "./common.tsx";

export function TimeInput({ id, node }: RendererProps) {
  const p = timeInputWidget.propsOf(node);
  const [value, , commit] = useWidget(p);
  return (
    <LabeledInput
      id={id}
      props={p}
      type="time"
      value={value}
      step={p.step}
      onChange={(e) => e.currentTarget.value && commit(e.currentTarget.value.slice(0, 5))}
    />
  );
}
