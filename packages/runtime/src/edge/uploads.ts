/**
 * Uploads arrive in chunks (`uploadChunkBytes`, protocol.ts) and are put together here, one file at
 * a time per uploader widget, before the whole file goes to the script's worker. The bytes a
 * session holds while an upload arrives — files being put together, and the files of a multi-file
 * upload that the worker keeps until the last one is in — never pass the limit (`--max-upload-mb`).
 */
import type { BinaryHeader } from "../protocol.ts";
import { sizeText } from "./limits.ts";

type Header = Extract<BinaryHeader, { kind: "upload" }>;

export interface UploadedFile {
  id: string;
  name: string;
  type: string;
  index: number;
  count: number;
  /** The whole file, in a buffer of its own (it can be handed to the worker without a copy). */
  bytes: Uint8Array;
}

/** What a chunk brought: a whole file, an error for the uploader widget, or nothing yet. */
export type ChunkResult = { file: UploadedFile } | { error: string; id: string } | null;

export class Uploads {
  /** Files being put together, by widget. */
  private readonly arriving = new Map<string, { header: Header; chunks: Uint8Array[]; received: number }>();
  /** Bytes of the files the worker keeps until a multi-file upload is complete, by widget. */
  private readonly held = new Map<string, { bytes: number; files: number }>();
  /** Widgets whose file was refused: the rest of its chunks are dropped without another word. */
  private readonly refused = new Set<string>();

  constructor(private readonly limit: number) {}

  /** Bytes this session holds for uploads now. */
  get bytes(): number {
    let sum = 0;
    for (const { received } of this.arriving.values()) sum += received;
    for (const { bytes } of this.held.values()) sum += bytes;
    return sum;
  }

  add(header: Header, payload: Uint8Array): ChunkResult {
    const { id } = header;
    let file = this.arriving.get(id);
    if (header.offset === 0) this.refused.delete(id);
    else if (this.refused.has(id)) return null;
    if (header.offset === 0) {
      // A new file; its upload's first file starts a new set (the worker forgets an unfinished one).
      if (header.index === 0) this.held.delete(id);
      file = { header, chunks: [], received: 0 };
      this.arriving.set(id, file);
    } else if (!file || file.received !== header.offset || file.header.index !== header.index || file.header.size !== header.size) {
      this.forget(id);
      this.refused.add(id);
      return { id, error: `${header.name}: parts of the upload arrived out of order; choose the file again.` };
    }
    if (header.size > this.limit || this.bytes + payload.length > this.limit || file.received + payload.length > header.size) {
      this.forget(id);
      this.refused.add(id);
      const error =
        file.received + payload.length > header.size
          ? `${header.name}: more bytes arrived than the file has.`
          : `${header.name}: the upload is over the server's limit of ${sizeText(this.limit)} at once.`;
      return { id, error };
    }
    file.chunks.push(payload);
    file.received += payload.length;
    if (file.received < header.size) return null;

    this.arriving.delete(id);
    const bytes = new Uint8Array(header.size);
    let at = 0;
    for (const chunk of file.chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    const set = this.held.get(id) ?? { bytes: 0, files: 0 };
    set.bytes += bytes.length;
    set.files++;
    if (set.files >= header.count) this.held.delete(id);
    else this.held.set(id, set);
    const { name, type, index, count } = header;
    return { file: { id, name, type, index, count, bytes } };
  }

  /** Drop what is held for this widget (the worker is told to drop its part with `clearUpload`). */
  forget(id: string): void {
    this.arriving.delete(id);
    this.held.delete(id);
  }
}
