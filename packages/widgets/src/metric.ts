import { scopeOf } from "@dash/runtime/scope.ts";

export interface MetricOptions {
  /** Change since last period: a number (sign decides arrow and color) or text like "+4 %". */
  delta?: number | string | null;
  /** `"inverse"` when down is good (costs, latency); `"off"` for grey. */
  deltaColor?: "normal" | "inverse" | "off";
  help?: string;
  /** How the value is shown: Intl.NumberFormat options, e.g. `{ style: "currency", currency: "USD" }`. */
  format?: Intl.NumberFormatOptions;
  /**
   * How a numeric delta is shown, when its unit is not the value's (a revenue's change in percent:
   * `{ style: "percent" }` with `delta: 0.041`, or `{ maximumFractionDigits: 1 }`). Default: `format`.
   */
  deltaFormat?: Intl.NumberFormatOptions;
}

/**
 * A big number with a label and an optional delta.
 * @example dash.metric("Revenue", 12_345.6, { delta: 0.042, format: { style: "currency", currency: "USD" }, deltaFormat: { style: "percent" } });
 */
export function metric(this: unknown, label: string, value: number | string | bigint | null, options: MetricOptions = {}): void {
  const props: Record<string, string | number | null | Record<string, string | number | boolean>> = {
    label: String(label),
    value: typeof value === "bigint" ? value.toString() : typeof value === "number" && !Number.isFinite(value) ? String(value) : value,
    deltaColor: options.deltaColor ?? "normal",
  };
  if (options.delta !== undefined && options.delta !== null) props.delta = options.delta;
  if (options.help) props.help = options.help;
  if (options.format) props.format = options.format as Record<string, string | number | boolean>;
  if (options.deltaFormat) props.deltaFormat = options.deltaFormat as Record<string, string | number | boolean>;
  scopeOf(this).add("metric", props);
}
