import type { RendererProps } from "@dash/runtime/client/app.tsx";

export function Exception({ node }: RendererProps) {
  const p = node.props;
  return (
    <div class="dash-alert error dash-exception" role="alert">
      <div>
        <strong>{String(p.name ?? "Error")}:</strong> {String(p.message)}
        {p.file ? (
          <div class="dash-muted">
            {String(p.file)}:{String(p.line ?? "")}
          </div>
        ) : null}
        {p.stack ? <pre>{String(p.stack)}</pre> : null}
      </div>
    </div>
  );
}
