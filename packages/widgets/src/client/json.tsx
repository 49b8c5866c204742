import type { RendererProps } from "@dash/runtime/client/app.tsx";
import type { Json } from "@dash/runtime/protocol.ts";

function Value({ value, name, open }: { value: Json; name?: string; open: boolean }) {
  const label = name !== undefined ? <span class="dash-json-key">{JSON.stringify(name)}: </span> : null;
  if (value === null || typeof value !== "object") {
    return (
      <div class="dash-json-row">
        {label}
        <span class={`dash-json-${value === null ? "null" : typeof value}`}>{JSON.stringify(value)}</span>
      </div>
    );
  }
  const entries: [string | undefined, Json][] = Array.isArray(value) ? value.map((v) => [undefined, v]) : Object.entries(value);
  const [left, right] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  return (
    <details open={open} class="dash-json-node">
      <summary>
        {label}
        {left}
        <span class="dash-muted"> {entries.length} </span>
        {right}
      </summary>
      {entries.map(([key, v]) => (
        <Value value={v} name={key} open={open} />
      ))}
    </details>
  );
}

export function JsonView({ node }: RendererProps) {
  return (
    <div class="dash-json">
      <Value value={node.props.value ?? null} open={node.props.expanded !== false} />
    </div>
  );
}
