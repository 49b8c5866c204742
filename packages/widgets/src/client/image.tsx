import type { RendererProps } from "@dash/runtime/client/app.tsx";

export function Image({ node }: RendererProps) {
  const p = node.props;
  const src = String(p.src);
  // Only http(s) and data:image URLs ever reach an <img>; the server refuses anything else too.
  if (!/^(https?:|data:image\/)/i.test(src)) return null;
  return (
    <figure class="dash-image">
      <img src={src} alt={String(p.alt ?? "")} style={p.width ? { width: `${Number(p.width)}px` } : undefined} loading="lazy" />
      {p.caption ? <figcaption>{String(p.caption)}</figcaption> : null}
    </figure>
  );
}
