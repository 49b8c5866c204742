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
  const deltaOptions = (p.deltaFormat as Intl.NumberFormatOptions | undefined) ?? options;
  const deltaText = typeof delta === "number" ? `${delta > 0 ? "+" : ""}${format(delta, deltaOptions)}` : String(delta ?? "");
  const value = format(p.value, options);
  return (
    <div class="dash-metric" role="group" aria-label={String(p.label)}>
      <div class="dash-metric-label">
        {String(p.label)}
        <Help text={p.help as string | undefined} />
      </div>
      {/* A value wider than its column ends in an ellipsis; the whole value is its title. */}
      <div class="dash-metric-value" title={value}>
        {value}
      </div>
      {delta !== undefined ? (
        <div class={`dash-metric-delta ${good}`}>
          <span aria-hidden="true">{direction === "up" ? "▲" : direction === "down" ? "▼" : "●"}</span> {deltaText}
        </div>
      ) : null}
    </div>
  );
}
