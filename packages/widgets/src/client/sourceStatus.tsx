import type { RendererProps } from "@dash/runtime/client/app.tsx";

/** A time of day in the viewer's locale, with the date when it is not today. */
function when(ms: number): string {
  const date = new Date(ms);
  const today = new Date().toDateString() === date.toDateString();
  return today ? date.toLocaleTimeString() : date.toLocaleString();
}

/**
 * A live source is failing: the data below it is the last good data. Says which source, the
 * error, and when the data was last fetched successfully (added by `live.ts`, gone on recovery).
 */
export function SourceStatus({ node }: RendererProps) {
  const p = node.props;
  const lastSuccess = Number(p.lastSuccess);
  return (
    <div class="dash-alert warning dash-source-status" role="status" data-source={String(p.source)}>
      <span class="dash-alert-icon" aria-hidden="true">
        ⚠️
      </span>
      <div>
        <strong>Stale data</strong> from <code>{String(p.source)}</code>: last updated{" "}
        <time dateTime={new Date(lastSuccess).toISOString()}>{when(lastSuccess)}</time>. Retrying.
        <div class="dash-muted dash-source-error">{String(p.error)}</div>
      </div>
    </div>
  );
}
