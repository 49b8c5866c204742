import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useWidget } from "@dash/runtime/client/context.ts";
import { useState } from "preact/hooks";
import { domId, Label } from "./common.tsx";

/** Chosen options as removable chips, plus a filterable list to add more. */
export function Multiselect({ id, node }: RendererProps) {
  const [value, , commit] = useWidget<number[]>(node.props);
  const [filter, setFilter] = useState("");
  const p = node.props;
  const options = (p.options ?? []) as string[];
  const chosen = new Set(value);
  const max = typeof p.maxSelections === "number" ? p.maxSelections : Infinity;
  const matches = options.map((label, index) => ({ label, index })).filter((o) => !chosen.has(o.index) && o.label.toLowerCase().includes(filter.toLowerCase()));
  const add = (index: number): void => {
    if (chosen.size >= max) return;
    commit([...value, index].sort((a, b) => a - b));
    setFilter("");
  };
  return (
    <div class="dash-field dash-multiselect">
      <Label props={p} htmlFor={domId(id)} />
      <div class="dash-chips" role="list" aria-label={`${String(p.label)}: chosen`}>
        {value.map((index) => (
          <span class="dash-chip" role="listitem">
            {options[index]}
            <button
              type="button"
              aria-label={`Remove ${options[index]}`}
              disabled={p.disabled === true}
              onClick={() => commit(value.filter((v) => v !== index))}
            >
              ×
            </button>
          </span>
        ))}
      </div>
      <input
        id={domId(id)}
        class="dash-input"
        role="combobox"
        aria-expanded={filter !== ""}
        aria-controls={`${domId(id)}-list`}
        placeholder={String(p.placeholder ?? (chosen.size >= max ? "Limit reached" : "Choose…"))}
        value={filter}
        disabled={p.disabled === true}
        onInput={(e) => setFilter(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && matches[0]) {
            e.preventDefault();
            add(matches[0].index);
          } else if (e.key === "Backspace" && filter === "" && value.length) commit(value.slice(0, -1));
        }}
      />
      {filter !== "" || matches.length <= 12 ? (
        <ul class="dash-options" id={`${domId(id)}-list`} role="listbox" aria-label={`${String(p.label)} options`}>
          {matches.slice(0, 50).map((o) => (
            <li role="option" aria-selected={false} tabIndex={0} onClick={() => add(o.index)} onKeyDown={(e) => e.key === "Enter" && add(o.index)}>
              {o.label}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
