import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useWidget } from "@dash/runtime/client/context.ts";
import { domId, Label } from "./common.tsx";

export function DateInput({ id, node }: RendererProps) {
  const [value, , commit] = useWidget<string | string[]>(node.props);
  const p = node.props;
  const min = p.min as string | undefined;
  const max = p.max as string | undefined;
  const disabled = p.disabled === true;
  if (Array.isArray(value)) {
    const [from, to] = value as [string, string];
    return (
      <div class="dash-field">
        <Label props={p} htmlFor={domId(id)} />
        <div class="dash-date-range">
          <input
            id={domId(id)}
            class="dash-input"
            type="date"
            aria-label={`${String(p.label)} from`}
            value={from}
            min={min}
            max={to || max}
            disabled={disabled}
            onChange={(e) => e.currentTarget.value && commit([e.currentTarget.value, to])}
          />
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
        </div>
      </div>
    );
  }
  return (
    <div class="dash-field">
      <Label props={p} htmlFor={domId(id)} />
      <input
        id={domId(id)}
        class="dash-input"
        type="date"
        value={value as string}
        min={min}
        max={max}
        disabled={disabled}
        onChange={(e) => e.currentTarget.value && commit(e.currentTarget.value)}
      />
    </div>
  );
}
