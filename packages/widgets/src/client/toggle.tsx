import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useWidget } from "@dash/runtime/client/context.ts";
import { toggleWidget } from "../widget.ts";
import { domId, Help } from "./common.tsx";

export function Toggle({ id, node }: RendererProps) {
  const p = toggleWidget.propsOf(node);
  const [value, , commit] = useWidget(p);
  return (
    <div class="dash-field dash-toggle">
      <input
        id={domId(id)}
        type="checkbox"
        role="switch"
        checked={value}
        aria-checked={value}
        disabled={p.disabled === true}
        onChange={(e) => commit(e.currentTarget.checked)}
      />
      <label for={domId(id)} class={p.labelVisibility === "collapsed" ? "dash-sr-only" : undefined}>
        {p.label}
      </label>
      <Help text={p.help} />
    </div>
  );
}
