import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useDash } from "@dash/runtime/client/context.ts";
import { downloadButtonWidget } from "../widget.ts";
import { Help } from "./common.tsx";

/** Saves the data the server sent (by hash) as a file, and tells the server it was clicked. */
export function DownloadButton({ node }: RendererProps) {
  const { send, store } = useDash();
  const p = downloadButtonWidget.propsOf(node);
  const hash = (p.data as { $data: string } | null)?.$data ?? "";
  const save = (): void => {
    const bytes = store.bytes(hash);
    if (bytes) {
      const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: p.mime }));
      const a = document.createElement("a");
      a.href = url;
      a.download = p.fileName;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    }
    send({ t: "click", id: p.id });
  };
  return (
    <div class="dash-field">
      <button type="button" class="dash-button" disabled={p.disabled === true} onClick={save}>
        ⬇ {p.label}
      </button>
      <Help text={p.help} />
    </div>
  );
}
