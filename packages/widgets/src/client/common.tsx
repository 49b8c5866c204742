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

/** A widget's `<label>`; hidden labels stay readable by screen readers and tests. */
export function Label({ props, htmlFor, children }: { props: Props; htmlFor?: string; children?: ComponentChildren }) {
  const visibility = props.labelVisibility;
  const cls = visibility === "collapsed" ? "dash-label dash-sr-only" : visibility === "hidden" ? "dash-label dash-invisible" : "dash-label";
  return (
    <label class={cls} for={htmlFor}>
      {String(props.label ?? "")}
      <Help text={props.help as string | undefined} />
      {children}
    </label>
  );
}

export function Field({ children }: { children: ComponentChildren }) {
  return <div class="dash-field">{children}</div>;
}
