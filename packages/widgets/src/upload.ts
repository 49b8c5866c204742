/** An uploaded file. Its bytes stay on the server. */
export interface UploadedFile {
  name: string;
  /** MIME type as the browser reported it. */
  type: string;
  size: number;
  bytes(): Uint8Array;
  text(): string;
}

export interface RawFile {
  name: string;
  type: string;
  bytes: Uint8Array;
}

/** The session keeps either what arrived ({name, type, bytes}) or an `Upload` (or its structured clone). */
export function rawFile(value: unknown): RawFile | undefined {
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
