import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useWidget } from "@dash/runtime/client/context.ts";
import { domId, Label } from "./common.tsx";

export function TimeInput({ id, node }: RendererProps) {
  const [value, , commit] = useWidget<string>(node.props);
  const p = node.props;
  return (
    <div class="dash-field">
      <Label props={p} htmlFor={domId(id)} />
      <input
        id={domId(id)}
        class="dash-input"
        type="time"
        value={value}
        step={Number(p.step ?? 60)}
        disabled={p.disabled === true}
        onChange={(e) => e.currentTarget.value && commit(e.currentTarget.value.slice(0, 5))}
      />
    </div>
  );
}
