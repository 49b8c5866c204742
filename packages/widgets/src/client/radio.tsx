import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useWidget } from "@dash/runtime/client/context.ts";
import { radioWidget } from "../widget.ts";
import { domId, Help } from "./common.tsx";

export function Radio({ id, node }: RendererProps) {
  const p = radioWidget.propsOf(node);
  const [value, , commit] = useWidget(p);
  const options = p.options;
  return (
    <fieldset class={`dash-field dash-radio${p.horizontal ? " horizontal" : ""}`} role="radiogroup" aria-label={p.label} disabled={p.disabled === true}>
      <legend class={p.labelVisibility === "collapsed" ? "dash-sr-only" : "dash-label"}>
        {p.label}
        <Help text={p.help} />
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
