import type { RendererProps } from "@dash/runtime/client/app.tsx";
import { useDash } from "@dash/runtime/client/context.ts";
import { encodeBinary, formatBytes as size, uploadChunkBytes } from "@dash/runtime/protocol.ts";
import { useState } from "preact/hooks";
import { fileUploaderWidget } from "../widget.ts";
import { domId, Label } from "./common.tsx";

/** A drop zone and file button; files over the limit are refused here (and again on the server). */
export function FileUploader({ id, node }: RendererProps) {
  const { send, sendBinary } = useDash();
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const p = fileUploaderWidget.propsOf(node);
  const widget = p.id;
  const maxBytes = p.maxBytes;
  const files = p.value;
  const upload = async (list: FileList | null): Promise<void> => {
    const chosen = Array.from(list ?? []).slice(0, p.multiple ? 1000 : 1);
    if (!chosen.length) return;
    const tooBig = chosen.find((file) => file.size > maxBytes);
    if (tooBig) {
      setError(`${tooBig.name} is ${size(tooBig.size)}; the limit is ${size(maxBytes)}.`);
      return;
    }
    setError(null);
    // In chunks: the server bounds each message, and puts each file together as it arrives.
    for (const [index, file] of chosen.entries()) {
      for (let offset = 0; offset < file.size || offset === 0; offset += uploadChunkBytes) {
        const bytes = new Uint8Array(await file.slice(offset, offset + uploadChunkBytes).arrayBuffer());
        const header = { kind: "upload", id: widget, name: file.name, type: file.type, index, count: chosen.length, size: file.size, offset } as const;
        sendBinary(encodeBinary(header, bytes));
      }
    }
  };
  return (
    <div class="dash-field dash-upload">
      <Label props={p} htmlFor={domId(id)} />
      <div
        class={`dash-dropzone${dragging ? " dragging" : ""}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void upload(e.dataTransfer?.files ?? null);
        }}
      >
        <span>
          Drag and drop {p.multiple ? "files" : "a file"} here · limit {size(maxBytes)}
        </span>
        <input
          id={domId(id)}
          type="file"
          accept={p.accept || undefined}
          multiple={p.multiple}
          disabled={p.disabled === true}
          onChange={(e) => void upload(e.currentTarget.files)}
        />
      </div>
      {error ? (
        <div class="dash-upload-error" role="alert">
          {error}
        </div>
      ) : null}
      {files.length ? (
        <ul class="dash-files">
          {files.map((file) => (
            <li>
              📄 {file.name} <span class="dash-muted">{size(file.size)}</span>
            </li>
          ))}
          <li>
            <button type="button" class="dash-link" onClick={() => send({ t: "clearUpload", id: widget })}>
              Remove
            </button>
          </li>
        </ul>
      ) : null}
    </div>
  );
}
