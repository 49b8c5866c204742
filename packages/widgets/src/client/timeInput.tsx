import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useWidget } from "@dash/runtime/client/context.ts";
import { LabeledInput } from "./common.tsx";

export function TimeInput({ id, node }: RendererProps) {
  const [value, , commit] = useWidget<string>(node.props);
  const p = node.props;
  return (
    <LabeledInput
      id={id}
      props={p}
      type="time"
      value={value}
      step={Number(p.step ?? 60)}
      onChange={(e) => e.currentTarget.value && commit(e.currentTarget.value.slice(0, 5))}
    />
  );
}
