import { scopeOf } from "@dash/runtime/scope.ts";
import { commonProps, type WidgetOptions } from "./common.ts";
import type { UploadedFile } from "./upload.ts";
import { fileUploaderWidget } from "./widget.ts";

export type { UploadedFile } from "./upload.ts";

const defaults = { maxBytes: 200_000_000 };

export interface FileUploaderOptions<M extends boolean> extends Omit<WidgetOptions<never>, "onChange" | "query"> {
  /** Accepted types, as in `<input accept>`: `".csv"`, `["image/*", ".pdf"]`. */
  accept?: string | string[];
  multiple?: M;
  /** The largest file accepted, in bytes (default 200 MB). Larger files are refused with a message. */
  maxBytes?: number;
  onChange?: (value: M extends true ? UploadedFile[] : UploadedFile | null) => void;
}

/**
 * A file drop zone. Returns the uploaded file (`null` before one is chosen), or an array with
 * `multiple: true`.
 * @example const file = dash.fileUploader("Data", { accept: ".csv", maxBytes: 10_000_000 });
 */
export function fileUploader(this: unknown, label: string, options?: FileUploaderOptions<false>): UploadedFile | null;
export function fileUploader(this: unknown, label: string, options: FileUploaderOptions<true> & { multiple: true }): UploadedFile[];
export function fileUploader(
  this: unknown,
  label: string,
  options: FileUploaderOptions<false> | FileUploaderOptions<true> = {},
): UploadedFile | UploadedFile[] | null {
  const multiple = options.multiple ?? false;
  const maxBytes = options.maxBytes ?? defaults.maxBytes;
  const accept = Array.isArray(options.accept) ? options.accept.join(",") : (options.accept ?? "");
  return fileUploaderWidget.render(scopeOf(this), {
    label,
    key: options.key,
    props: { ...commonProps(options), accept, multiple, maxBytes },
    given: { multiple },
    initial: multiple ? [] : null,
    onChange: options.onChange as ((value: UploadedFile | UploadedFile[] | null) => void) | undefined,
  });
}
