/** Containers: plain groups, columns, tabs, expanders, forms. */
import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { FormContext, useDash, type FormState } from "@dash/runtime/client/context.ts";
import { useMemo, useRef, useState } from "preact/hooks";

export function Group({ children }: RendererProps) {
  return <>{children}</>;
}

export function Container({ node, children }: RendererProps) {
  const p = node.props;
  return (
    <div class={`dash-container${p.border ? " border" : ""}`} style={p.height ? { maxHeight: `${Number(p.height)}px`, overflow: "auto" } : undefined}>
      {children}
    </div>
  );
}

export function Columns({ node, children }: RendererProps) {
  const weights = (node.props.weights ?? []) as number[];
  const template = weights.map((w) => `minmax(0, ${w}fr)`).join(" ");
  return (
    <div class={`dash-columns gap-${String(node.props.gap ?? "medium")}`} style={{ "--columns": template }}>
      {children}
    </div>
  );
}

export function Column({ children }: RendererProps) {
  return <div class="dash-column">{children}</div>;
}

/** ARIA tabs: arrow keys move between tabs; all panels stay mounted so switching needs no rerun. */
export function Tabs({ id, node, children }: RendererProps) {
  const labels = (node.props.labels ?? []) as string[];
  const [selected, setSelected] = useState(0);
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const choose = (index: number): void => {
    const next = (index + labels.length) % labels.length;
    setSelected(next);
    refs.current[next]?.focus();
  };
  return (
    <div class="dash-tabs">
      <div role="tablist" class="dash-tablist">
        {labels.map((label, index) => (
          <button
            type="button"
            role="tab"
            id={`dash-tab-${id}-${index}`}
            aria-selected={index === selected}
            aria-controls={`dash-panel-${id}-${index}`}
            tabIndex={index === selected ? 0 : -1}
            ref={(el) => {
              refs.current[index] = el;
            }}
            onClick={() => setSelected(index)}
            onKeyDown={(e) => {
              if (e.key === "ArrowRight") choose(index + 1);
              else if (e.key === "ArrowLeft") choose(index - 1);
              else if (e.key === "Home") choose(0);
              else if (e.key === "End") choose(labels.length - 1);
            }}
          >
            {label}
          </button>
        ))}
      </div>
      {children.map((child, index) => (
        <div role="tabpanel" id={`dash-panel-${id}-${index}`} aria-labelledby={`dash-tab-${id}-${index}`} hidden={index !== selected} tabIndex={0}>
          {child}
        </div>
      ))}
    </div>
  );
}

export function Tab({ children }: RendererProps) {
  return <>{children}</>;
}

export function Expander({ node, children }: RendererProps) {
  return (
    <details class="dash-expander" open={node.props.expanded === true}>
      <summary>{String(node.props.label)}</summary>
      <div class="dash-expander-body">{children}</div>
    </details>
  );
}

/** Holds its widgets' edits until submit, then sends them all in one message. */
export function Form({ node, children }: RendererProps) {
  const { send } = useDash();
  const p = node.props;
  const formId = String(p.id);
  const [generation, setGeneration] = useState(0);
  const state = useMemo<FormState>(() => ({ id: formId, edits: new Map(), generation }), [formId, generation]);
  return (
    <form
      class={`dash-form${p.border ? " border" : ""}`}
      onSubmit={(e) => {
        e.preventDefault();
        send({ t: "submit", form: formId, values: Object.fromEntries(state.edits) });
        state.edits.clear();
        if (p.clearOnSubmit) setGeneration(generation + 1);
      }}
    >
      <FormContext.Provider value={state}>{children}</FormContext.Provider>
      <button type="submit" class="dash-button primary">
        {String(p.submitLabel)}
      </button>
    </form>
  );
}
