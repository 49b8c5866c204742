/**
 * Files arriving for a session's file uploaders. The edge (`edge/uploads.ts`) puts each file
 * together from its chunks; here the files of one upload (several, with `multiple`) wait for each
 * other, and the uploader's value is set once they are all in. A file over the uploader's
 * `maxBytes` is refused with a message to the browser.
 */
import { formatBytes, type Props } from "./protocol.ts";

/** A file as it arrived from the browser (the file uploader's value wraps it: `@dash/widgets` upload.ts). */
export interface ArrivedFile {
  name: string;
  type: string;
  bytes: Uint8Array;
}

/** What an arrived file does: it is refused (the message says why), the upload waits for more files, or it is complete. */
export type Arrival = { refused: string } | { waiting: true } | { value: ArrivedFile | ArrivedFile[] };

export class PendingUploads {
  private readonly byWidget = new Map<string, { files: ArrivedFile[]; count: number }>();

  /** File `index` of `count` arrived for the uploader `id` (its `props`: `maxBytes`, `multiple`). */
  arrive(id: string, props: Props, file: ArrivedFile, index: number, count: number): Arrival {
    const max = Number(props.maxBytes ?? Infinity);
    if (file.bytes.length > max) return { refused: `${file.name} is ${formatBytes(file.bytes.length)}; the limit is ${formatBytes(max)}.` };
    let pending = this.byWidget.get(id);
    if (!pending || index === 0) this.byWidget.set(id, (pending = { files: [], count }));
    pending.files[index] = file;
    if (pending.files.filter(Boolean).length < pending.count) return { waiting: true };
    this.byWidget.delete(id);
    return { value: props.multiple ? pending.files : pending.files[0]! };
  }

  /** The viewer cleared the uploader: a half-arrived upload is dropped. */
  clear(id: string): void {
    this.byWidget.delete(id);
  }

  /** The browser went away: the rest of an unfinished upload will not come on another connection. */
  clearAll(): void {
    this.byWidget.clear();
  }

  /** Uploads partly arrived. */
  get size(): number {
    return this.byWidget.size;
  }
}
