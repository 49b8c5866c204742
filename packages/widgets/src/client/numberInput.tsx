import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useWidget } from "@dash/runtime/client/context.ts";
import { useState } from "preact/hooks";
import { numberInputWidget } from "../widget.ts";
import { LabeledInput } from "./common.tsx";

export function NumberInput({ id, node }: RendererProps) {
  const p = numberInputWidget.propsOf(node);
  const [value, show, commit] = useWidget(p);
  const step = p.step;
  const min = p.min ?? -Infinity;
  const max = p.max ?? Infinity;
  const bounded = (v: number): number => Math.min(max, Math.max(min, Number(v.toFixed(10))));
  // What the viewer is typing ("", "-", "1e"): kept until they commit, so a redraw caused by
  // something else (a fragment ticking, a status change) never overwrites a half-typed number.
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <LabeledInput
      id={id}
      props={p}
      wrap="dash-number"
      type="number"
      inputMode="decimal"
      value={draft ?? String(value)}
      step={step}
      min={Number.isFinite(min) ? min : undefined}
      max={Number.isFinite(max) ? max : undefined}
      placeholder={p.placeholder}
      onInput={(e) => {
        setDraft(e.currentTarget.value);
        const v = e.currentTarget.valueAsNumber;
        if (Number.isFinite(v)) show(v);
      }}
      onChange={(e) => {
        const v = e.currentTarget.valueAsNumber;
        setDraft(null);
        if (Number.isFinite(v)) commit(bounded(v));
      }}
      onBlur={() => setDraft(null)}
      after={
        <>
          <button
            type="button"
            aria-label={`Decrease ${String(p.label)}`}
            disabled={p.disabled === true || value - step < min}
            onClick={() => commit(bounded(value - step))}
          >
            −
          </button>
          <button
            type="button"
            aria-label={`Increase ${String(p.label)}`}
            disabled={p.disabled === true || value + step > max}
            onClick={() => commit(bounded(value + step))}
          >
            +
          </button>
        </>
      }
    />
  );
}
