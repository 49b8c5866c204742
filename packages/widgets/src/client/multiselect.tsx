import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useWidget } from "@dash/runtime/client/context.ts";
import { useRef, useState } from "preact/hooks";
import { multiselectWidget } from "../widget.ts";
import { domId, Label } from "./common.tsx";

/**
 * Chosen options as removable chips in a box that opens a filterable dropdown (the ARIA combobox
 * pattern): click or ArrowDown opens it, typing filters, ArrowUp/ArrowDown move, Enter adds,
 * Escape closes, Backspace in the empty box removes the last chip.
 */
export function Multiselect({ id, node }: RendererProps) {
  const [filter, setFilter] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const p = multiselectWidget.propsOf(node);
  const [value, , commit] = useWidget(p);
  const disabled = p.disabled === true;
  const options = p.options;
  const chosen = new Set(value);
  const max = p.maxSelections ?? Infinity;
  const full = chosen.size >= max;
  const matches = full
    ? []
    : options
        .map((label, index) => ({ label, index }))
        .filter((o) => !chosen.has(o.index) && o.label.toLowerCase().includes(filter.toLowerCase()))
        .slice(0, 100);
  const current = Math.max(0, Math.min(active, matches.length - 1));
  const listId = `${domId(id)}-list`;
  const optionId = (index: number): string => `${listId}-${index}`;
  const add = (index: number): void => {
    if (full) return;
    commit([...value, index].sort((a, b) => a - b));
    setFilter("");
  };
  const show = (next: boolean): void => {
    setOpen(next);
    setActive(0);
  };
  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!open) show(true);
      else setActive(e.key === "ArrowDown" ? Math.min(current + 1, matches.length - 1) : Math.max(current - 1, 0));
    } else if (e.key === "Enter" && open && matches[current]) {
      e.preventDefault();
      add(matches[current].index);
    } else if (e.key === "Escape" && open) {
      e.preventDefault();
      show(false);
    } else if (e.key === "Backspace" && filter === "" && value.length) commit(value.slice(0, -1));
  };
  const empty = full ? "Limit reached" : chosen.size === options.length ? "All options are chosen" : "No matches";
  return (
    <div
      class="dash-field dash-multiselect"
      onFocusOut={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) show(false);
      }}
    >
      <Label props={p} htmlFor={domId(id)} />
      <div class={`dash-input dash-multiselect-box${open ? " open" : ""}`} onClick={() => !disabled && input.current?.focus()}>
        <span class="dash-chips" role="list" aria-label={`${p.label}: chosen`}>
          {value.map((index) => (
            <span class="dash-chip" role="listitem">
              {options[index]}
              <button type="button" aria-label={`Remove ${options[index]}`} disabled={disabled} onClick={() => commit(value.filter((v) => v !== index))}>
                ×
              </button>
            </span>
          ))}
        </span>
        <input
          ref={input}
          id={domId(id)}
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={listId}
          aria-activedescendant={open && matches[current] ? optionId(matches[current].index) : undefined}
          placeholder={value.length ? "" : (p.placeholder ?? "Choose…")}
          value={filter}
          disabled={disabled}
          onClick={() => show(true)}
          onInput={(e) => {
            setFilter(e.currentTarget.value);
            setOpen(true);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
        />
        <button
          type="button"
          class="dash-multiselect-toggle"
          tabIndex={-1}
          aria-label={open ? "Hide options" : "Show options"}
          disabled={disabled}
          onClick={(e) => {
            e.stopPropagation();
            show(!open);
            input.current?.focus();
          }}
        >
          ▾
        </button>
      </div>
      {open ? (
        <ul class="dash-options dash-dropdown" id={listId} role="listbox" aria-label={`${p.label} options`}>
          {matches.length ? (
            matches.map((o, i) => (
              <li
                id={optionId(o.index)}
                role="option"
                aria-selected={false}
                class={i === current ? "active" : undefined}
                // Keeps the focus in the box, so the dropdown stays open for the next choice.
                onMouseDown={(e) => e.preventDefault()}
                onMouseMove={() => setActive(i)}
                onClick={() => add(o.index)}
              >
                {o.label}
              </li>
            ))
          ) : (
            <li class="dash-options-empty">{empty}</li>
          )}
        </ul>
      ) : null}
    </div>
  );
}
