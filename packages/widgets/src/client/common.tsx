/** Pieces every widget renderer uses: its label (with visibility and help) and DOM ids. */
import type { ComponentChildren, JSX } from "preact";
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

interface FieldParts {
  id: number;
  props: Props;
  /** A class for the field beside `dash-field`. */
  field?: string;
  wrap?: string;
  after?: ComponentChildren;
}
type LabeledInputProps =
  | (FieldParts & { textarea?: false } & Omit<JSX.InputHTMLAttributes<HTMLInputElement>, "id">)
  | (FieldParts & { textarea: true } & Omit<JSX.TextareaHTMLAttributes<HTMLTextAreaElement>, "id">);

/**
 * A widget's label above its one native control (an `<input>`, or a `<textarea>`), tied to it by
 * id: the skeleton of the text, text area, number, date, time and color renderers. `wrap` puts the
 * control in a row with what follows it (`after`: a number's −/+ buttons, a color's hex code).
 */
export function LabeledInput({ id, props, field, wrap, after, textarea, ...control }: LabeledInputProps) {
  const attributes = { id: domId(id), class: "dash-input", disabled: props.disabled === true, ...control };
  const input = textarea ? (
    <textarea {...(attributes as JSX.TextareaHTMLAttributes<HTMLTextAreaElement>)} />
  ) : (
    <input {...(attributes as JSX.InputHTMLAttributes<HTMLInputElement>)} />
  );
  return (
    <div class={field ? `dash-field ${field}` : "dash-field"}>
      <Label props={props} htmlFor={domId(id)} />
      {wrap ? (
        <div class={wrap}>
          {input}
          {after}
        </div>
      ) : (
        input
      )}
    </div>
  );
}

export function Field({ children }: { children: ComponentChildren }) {
  return <div class="dash-field">{children}</div>;
}

/**
 * A range slider's field: the label with the pair shown beside it (`text`), then two range inputs
 * for the `[low, high]` pair ("… from" / "… to"), kept in order. Slider and select slider use it.
 */
export function RangeField(props: {
  id: number;
  props: Props;
  text: ComponentChildren;
  min: number;
  max: number;
  step: number;
  value: [number, number];
  valueText?: (value: number) => string | undefined;
  commit: (value: [number, number]) => void;
}) {
  const { min, max, step, commit, valueText } = props;
  const disabled = props.props.disabled === true;
  const label = String(props.props.label ?? "");
  const [low, high] = props.value;
  return (
    <div class="dash-field dash-slider">
      <Label props={props.props} htmlFor={domId(props.id)}>
        <output class="dash-slider-value">{props.text}</output>
      </Label>
      <div class="dash-range-pair">
        <input
          id={domId(props.id)}
          type="range"
          aria-label={`${label} from`}
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
          aria-label={`${label} to`}
          aria-valuetext={valueText?.(high)}
          min={min}
          max={max}
          step={step}
          value={high}
          disabled={disabled}
          onInput={(e) => commit([low, Math.max(Number(e.currentTarget.value), low)])}
        />
      </div>
    </div>
  );
}
