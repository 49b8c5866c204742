import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { Help } from "./common.tsx";

function format(value: unknown, options: Intl.NumberFormatOptions | undefined): string {
  if (typeof value === "number") return new Intl.NumberFormat(undefined, { maximumFractionDigits: 2, ...options }).format(value);
  return value === null || value === undefined ? "—" : String(value);
}

/** Label, big value, and a colored delta with an arrow (the color is not the only cue). */
export function Metric({ node }: RendererProps) {
  const p = node.props;
  const delta = p.delta;
  const numeric = typeof delta === "number" ? delta : typeof delta === "string" ? Number.parseFloat(delta.replace(/[^\d.+-]/g, "")) : NaN;
  const direction = Number.isNaN(numeric) || numeric === 0 ? "flat" : numeric > 0 ? "up" : "down";
  const good = p.deltaColor === "off" || direction === "flat" ? "neutral" : (direction === "up") !== (p.deltaColor === "inverse") ? "good" : "bad";
  const options = p.format as Intl.NumberFormatOptions | undefined;
  const deltaText = typeof delta === "number" ? `${delta > 0 ? "+" : ""}${format(delta, options)}` : String(delta ?? "");
  return (
    <div class="dash-metric" role="group" aria-label={String(p.label)}>
      <div class="dash-metric-label">
        {String(p.label)}
        <Help text={p.help as string | undefined} />
      </div>
      <div class="dash-metric-value">{format(p.value, options)}</div>
      {delta !== undefined ? (
        <div class={`dash-metric-delta ${good}`}>
          <span aria-hidden="true">{direction === "up" ? "▲" : direction === "down" ? "▼" : "●"}</span> {deltaText}
        </div>
      ) : null}
    </div>
  );
}
