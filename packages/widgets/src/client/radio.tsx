import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useWidget } from "@dash/runtime/client/context.ts";
import { domId, Help } from "./common.tsx";

export function Radio({ id, node }: RendererProps) {
  const [value, , commit] = useWidget<number>(node.props);
  const p = node.props;
  const options = (p.options ?? []) as string[];
  return (
    <fieldset class={`dash-field dash-radio${p.horizontal ? " horizontal" : ""}`} role="radiogroup" aria-label={String(p.label)} disabled={p.disabled === true}>
      <legend class={p.labelVisibility === "collapsed" ? "dash-sr-only" : "dash-label"}>
        {String(p.label)}
        <Help text={p.help as string | undefined} />
      </legend>
      {options.map((label, index) => (
        <label class="dash-choice">
          <input type="radio" name={domId(id)} checked={value === index} onChange={() => commit(index)} />
          {label}
        </label>
      ))}
    </fieldset>
  );
}
