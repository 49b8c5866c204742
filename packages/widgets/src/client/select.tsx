import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useWidget } from "@dash/runtime/client/context.ts";
import { domId, Label } from "./common.tsx";

export function Select({ id, node }: RendererProps) {
  const [value, , commit] = useWidget<number>(node.props);
  const p = node.props;
  const options = (p.options ?? []) as string[];
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
