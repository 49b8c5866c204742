/** Pieces every widget renderer uses: its label (with visibility and help) and DOM ids. */
import type { ComponentChildren } from "preact";
import type { Props } from "@dash/runtime/protocol.ts";

export function domId(id: number): string {
  return `dash-w${id}`;
}

export function Help({ text }: { text: string | undefined }) {
  if (!text) return null;
  return (
    <span class="dash-help" tabIndex={0} role="note" aria-label={text} title={text}>
      ?
    </span>
  );
}

/**
 * A widget's label row: the `<label>` itself (so the control's accessible name is exactly the
 * label), then the help mark and any extras (a slider's value) beside it, outside the label.
 * Hidden labels stay readable by screen readers and tests.
 */
export function Label({ props, htmlFor, children }: { props: Props; htmlFor?: string; children?: ComponentChildren }) {
  const visibility = props.labelVisibility;
  const cls = visibility === "collapsed" ? "dash-label dash-sr-only" : visibility === "hidden" ? "dash-label dash-invisible" : "dash-label";
  return (
    <div class={cls}>
      <label for={htmlFor}>{String(props.label ?? "")}</label>
      <Help text={props.help as string | undefined} />
      {children}
    </div>
  );
}

export function Field({ children }: { children: ComponentChildren }) {
  return <div class="dash-field">{children}</div>;
}

/** Two range inputs for a `[low, high]` pair ("… from" / "… to"), kept in order. */
export function RangePair(props: {
  id: string;
  label: string;
  min: number;
  max: number;
  step: number;
  value: [number, number];
  disabled: boolean;
  valueText?: (value: number) => string | undefined;
  commit: (value: [number, number]) => void;
}) {
  const { min, max, step, disabled, commit, valueText } = props;
  const [low, high] = props.value;
  return (
    <div class="dash-range-pair">
      <input
        id={props.id}
        type="range"
        aria-label={`${props.label} from`}
        aria-valuetext={valueText?.(low)}
        min={min}
        max={max}
        step={step}
        value={low}
        disabled={disabled}
        onInput={(e) => commit([Math.min(Number(e.currentTarget.value), high), high])}
      />
      <input
        type="range"
        aria-label={`${props.label} to`}
        aria-valuetext={valueText?.(high)}
        min={min}
        max={max}
        step={step}
        value={high}
        disabled={disabled}
        onInput={(e) => commit([low, Math.max(Number(e.currentTarget.value), low)])}
      />
    </div>
  );
}
