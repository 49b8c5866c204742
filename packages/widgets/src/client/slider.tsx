import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useWidget } from "@dash/runtime/client/context.ts";
import { sliderWidget } from "../widget.ts";
import { domId, Label, RangeField } from "./common.tsx";

/** A native range input (one, or two for a range), sending every move; the server merges them. */
export function Slider({ id, node }: RendererProps) {
  const p = sliderWidget.propsOf(node);
  const [value, , commit] = useWidget(p);
  const { min, max, step } = p;
  const disabled = p.disabled === true;
  const shown = (v: number): string => String(Math.round(v * 1e6) / 1e6);
  if (Array.isArray(value)) {
    const [low, high] = value as [number, number];
    return <RangeField id={id} props={p} text={`${shown(low)} – ${shown(high)}`} min={min} max={max} step={step} value={[low, high]} commit={commit} />;
  }
  const fill = max > min ? (((value as number) - min) / (max - min)) * 100 : 0;
  return (
    <div class="dash-field dash-slider">
      <Label props={p} htmlFor={domId(id)}>
        <output class="dash-slider-value" for={domId(id)}>
          {shown(value as number)}
        </output>
      </Label>
      <input
        id={domId(id)}
        type="range"
        min={min}
        max={max}
        step={step}
        value={value as number}
        disabled={disabled}
        style={{ "--fill": `${fill}%` }}
        onInput={(e) => commit(Number(e.currentTarget.value))}
      />
      <div class="dash-slider-bounds" aria-hidden="true">
        <span>{p.minLabel ?? shown(min)}</span>
        <span>{p.maxLabel ?? shown(max)}</span>
      </div>
    </div>
  );
}
