import type { RendererProps } from "@dash/runtime/client/app.tsx";

export function Progress({ node }: RendererProps) {
  const value = Number(node.props.value);
  const text = String(node.props.text ?? "");
  return (
    <div class="dash-progress">
      {text ? <div class="dash-progress-text">{text}</div> : null}
      <div
        class="dash-progress-track"
        role="progressbar"
        aria-label={text || "Progress"}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(value * 100)}
      >
        <div class="dash-progress-bar" style={{ width: `${value * 100}%` }} />
      </div>
    </div>
  );
}

export function Spinner({ node }: RendererProps) {
  return (
    <div class="dash-spinner-el" role="status">
      <span class="dash-spin" aria-hidden="true" /> {String(node.props.text)}
    </div>
  );
}
