import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useWidget } from "@dash/runtime/client/context.ts";
import { colorPickerWidget } from "../widget.ts";
import { LabeledInput } from "./common.tsx";

export function ColorPicker({ id, node }: RendererProps) {
  const p = colorPickerWidget.propsOf(node);
  const [value, show, commit] = useWidget(p);
  return (
    <LabeledInput
      id={id}
      props={p}
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
