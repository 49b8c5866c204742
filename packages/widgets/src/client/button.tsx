import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useDash } from "@dash/runtime/client/context.ts";
import { buttonWidget } from "../widget.ts";
import { Help } from "./common.tsx";

export function Button({ node }: RendererProps) {
  const { send } = useDash();
  const p = buttonWidget.propsOf(node);
  return (
    <div class="dash-field">
      <button
        type="button"
        class={`dash-button ${p.variant === "primary" ? "primary" : ""}`}
        disabled={p.disabled === true}
        onClick={() => send({ t: "click", id: p.id })}
      >
        {p.label}
      </button>
      <Help text={p.help} />
    </div>
  );
}
