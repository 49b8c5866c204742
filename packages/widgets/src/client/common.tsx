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
