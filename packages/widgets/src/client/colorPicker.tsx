import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useWidget } from "@dash/runtime/client/context.ts";
import { domId, Label } from "./common.tsx";

export function ColorPicker({ id, node }: RendererProps) {
  const [value, show, commit] = useWidget<string>(node.props);
  const p = node.props;
  return (
    <div class="dash-field dash-color">
      <Label props={p} htmlFor={domId(id)} />
      <div class="dash-color-row">
        <input
          id={domId(id)}
          type="color"
          value={value}
          disabled={p.disabled === true}
          onInput={(e) => show(e.currentTarget.value)}
          onChange={(e) => commit(e.currentTarget.value)}
        />
        <code>{value}</code>
      </div>
    </div>
  );
}
