import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useWidget } from "@dash/runtime/client/context.ts";
import { selectSliderWidget } from "../widget.ts";
import { domId, Label, RangeField } from "./common.tsx";

/** A range input over option indexes, announcing the option's label. */
export function SelectSlider({ id, node }: RendererProps) {
  const p = selectSliderWidget.propsOf(node);
  const [value, , commit] = useWidget(p);
  const options = p.options;
  const last = Math.max(0, options.length - 1);
  const disabled = p.disabled === true;
  if (Array.isArray(value)) {
    const [low, high] = value as [number, number];
    return (
      <RangeField
        id={id}
        props={p}
        text={`${options[low]} – ${options[high]}`}
        min={0}
        max={last}
        step={1}
        value={[low, high]}
        valueText={(i) => options[i]}
        commit={commit}
      />
    );
  }
  return (
    <div class="dash-field dash-slider">
      <Label props={p} htmlFor={domId(id)}>
        <output class="dash-slider-value">{options[value as number]}</output>
      </Label>
      <input
        id={domId(id)}
        type="range"
        aria-valuetext={options[value as number]}
        min={0}
        max={last}
        step={1}
        value={value as number}
        disabled={disabled}
        onInput={(e) => commit(Number(e.currentTarget.value))}
      />
      <div class="dash-slider-bounds" aria-hidden="true">
        <span>{options[0]}</span>
        <span>{options[last]}</span>
      </div>
    </div>
  );
}
