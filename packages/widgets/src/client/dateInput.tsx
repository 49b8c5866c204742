import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useWidget } from "@dash/runtime/client/context.ts";
import { dateInputWidget } from "../widget.ts";
import { LabeledInput } from "./common.tsx";

export function DateInput({ id, node }: RendererProps) {
  const p = dateInputWidget.propsOf(node);
  const [value, , commit] = useWidget(p);
  const { min, max } = p;
  const disabled = p.disabled === true;
  if (Array.isArray(value)) {
    const [from, to] = value as [string, string];
    return (
      <LabeledInput
        id={id}
        props={p}
        wrap="dash-date-range"
        type="date"
        aria-label={`${String(p.label)} from`}
        value={from}
        min={min}
        max={to || max}
        onChange={(e) => e.currentTarget.value && commit([e.currentTarget.value, to])}
        after={
          <>
            <span aria-hidden="true">→</span>
            <input
              class="dash-input"
              type="date"
              aria-label={`${String(p.label)} to`}
              value={to}
              min={from || min}
              max={max}
              disabled={disabled}
              onChange={(e) => e.currentTarget.value && commit([from, e.currentTarget.value])}
            />
          </>
        }
      />
    );
  }
  return (
    <LabeledInput
      id={id}
      props={p}
      type="date"
      value={value as string}
      min={min}
      max={max}
      onChange={(e) => e.currentTarget.value && commit(e.currentTarget.value)}
    />
  );
}
