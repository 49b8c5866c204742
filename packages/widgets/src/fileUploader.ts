import { scopeOf } from "@dash/runtime/scope.ts";
import { commonProps, type WidgetOptions } from "./common.ts";
import { fileUploaderWidget } from "./widget.ts";

/** An uploaded file. Its bytes stay on the server. */
export interface UploadedFile {
  name: string;
  /** MIME type as the browser reported it. */
  type: string;
  size: number;
  bytes(): Uint8Array;
  text(): string;
}

export interface FileUploaderOptions<M extends boolean> extends Omit<WidgetOptions<never>, "onChange" | "query"> {
  /** Accepted types, as in `<input accept>`: `".csv"`, `["image/*", ".pdf"]`. */
  accept?: string | string[];
  multiple?: M;
  /** The largest file accepted, in bytes (default 200 MB). Larger files are refused with a message. */
  maxBytes?: number;
  onChange?: (value: M extends true ? UploadedFile[] : UploadedFile | null) => void;
}

interface RawFile {
  name: string;
  type: string;
  bytes: Uint8Array;
}

const defaults = { maxBytes: 200_000_000 };

/** The session keeps either what arrived ({name, type, bytes}) or an `Upload` (or its structured clone). */
function rawOf(value: unknown): RawFile | undefined {
  if (!value || typeof value !== "object") return undefined;
  const record = value as { name?: unknown; type?: unknown; bytes?: unknown; data?: unknown };
  const bytes = record.bytes instanceof Uint8Array ? record.bytes : record.data instanceof Uint8Array ? record.data : undefined;
  if (!bytes || typeof record.name !== "string") return undefined;
  return { name: record.name, type: typeof record.type === "string" ? record.type : "", bytes };
}

class Upload implements UploadedFile {
  readonly name: string;
  readonly type: string;
  readonly size: number;
  private readonly data: Uint8Array;
  constructor(raw: RawFile) {
    this.name = raw.name;
    this.type = raw.type;
    this.size = raw.bytes.length;
    this.data = raw.bytes;
  }
  bytes(): Uint8Array {
    return this.data;
  }
  text(): string {
    return new TextDecoder().decode(this.data);
  }
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
  const coerce = (value: unknown): UploadedFile | UploadedFile[] | null | undefined => {
    if (value === null) return multiple ? [] : null;
    if (multiple) {
      const raws = Array.isArray(value) ? value.map(rawOf) : [];
      return Array.isArray(value) && raws.every(Boolean) ? raws.map((raw) => new Upload(raw!)) : undefined;
    }
    const raw = rawOf(value);
    return raw ? new Upload(raw) : undefined;
  };
  const files = (value: UploadedFile | UploadedFile[] | null): UploadedFile[] => (value === null ? [] : Array.isArray(value) ? value : [value]);
  return fileUploaderWidget.render(scopeOf(this), {
    label,
    key: options.key,
    props: { ...commonProps(options), accept, multiple, maxBytes },
    initial: multiple ? [] : null,
    parse: (wire) => (wire === null ? (multiple ? [] : null) : undefined),
    coerce,
    toWire: (value) => files(value).map((file) => ({ name: file.name, size: file.size })),
    onChange: options.onChange as ((value: unknown) => void) | undefined,
  });
}
