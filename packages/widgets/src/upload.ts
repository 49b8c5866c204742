import type { ArrivedFile } from "@dash/runtime/uploads.ts";

/** An uploaded file. Its bytes stay on the server. */
export interface UploadedFile {
  name: string;
  /** MIME type as the browser reported it. */
  type: string;
  size: number;
  bytes(): Uint8Array;
  text(): string;
}

/** The session keeps either what arrived ({name, type, bytes}) or an `Upload` (or its structured clone). */
export function rawFile(value: unknown): ArrivedFile | undefined {
  if (!value || typeof value !== "object") return undefined;
  const record = value as { name?: unknown; type?: unknown; bytes?: unknown; data?: unknown };
  const bytes = record.bytes instanceof Uint8Array ? record.bytes : record.data instanceof Uint8Array ? record.data : undefined;
  if (!bytes || typeof record.name !== "string") return undefined;
  return { name: record.name, type: typeof record.type === "string" ? record.type : "", bytes };
}

export class Upload implements UploadedFile {
  readonly name: string;
  readonly type: string;
  readonly size: number;
  private readonly data: Uint8Array;
  constructor(raw: ArrivedFile) {
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
