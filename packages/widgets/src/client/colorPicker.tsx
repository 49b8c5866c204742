import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useWidget } from "@dash/runtime/client/context.ts";
import { LabeledInput } from "./common.tsx";

export function ColorPicker({ id, node }: RendererProps) {
  const [value, show, commit] = useWidget<string>(node.props);
  return (
    <LabeledInput
      id={id}
      props={node.props}
      field="dash-color"
      wrap="dash-color-row"
      after={<code>{value}</code>}
      class={undefined}
      type="color"
      value={value}
      onInput={(e) => show(e.currentTarget.value)}
      onChange={(e) => commit(e.currentTarget.value)}
    />
  );
}
