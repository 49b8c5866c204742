import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useWidget } from "@dash/runtime/client/context.ts";
import { selectWidget } from "../widget.ts";
import { domId, Label } from "./common.tsx";

export function Select({ id, node }: RendererProps) {
  const p = selectWidget.propsOf(node);
  const [value, , commit] = useWidget(p);
  const options = p.options;
  return (
    <div class="dash-field">
      <Label props={p} htmlFor={domId(id)} />
      <select id={domId(id)} class="dash-input" value={String(value)} disabled={p.disabled === true} onChange={(e) => commit(Number(e.currentTarget.value))}>
        {options.map((label, index) => (
          <option value={String(index)}>{label}</option>
        ))}
      </select>
    </div>
  );
}
