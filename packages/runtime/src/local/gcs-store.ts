/**
 * The local Cloud Storage server's objects: buckets of objects in memory, each write a new, larger
 * generation with its MD5 and CRC32C, and optionally a mirrored folder (each top-level subfolder
 * a bucket, files below it objects; edits made on disk show up as new generations).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

export interface StoredObject {
  bucket: string;
  name: string;
  bytes: Buffer;
  generation: bigint;
  contentType: string;
  created: string;
  updated: string;
  md5: string;
  crc32c: string;
  metadata?: Record<string, string>;
  /** For mirrored files: the size and mtime the stored bytes came from. */
  stamp?: string;
}

let lastGeneration = 0n;
function nextGeneration(): bigint {
  const now = BigInt(Date.now()) * 1000n;
  lastGeneration = now > lastGeneration ? now : lastGeneration + 1n;
  return lastGeneration;
}

export class GcsStore {
  readonly buckets = new Map<string, Map<string, StoredObject>>();
  /** Mirror this folder (see the file's comment). */
  constructor(readonly dir: string | undefined) {}

  put(bucket: string, name: string, bytes: Buffer, contentType: string, metadata?: Record<string, string>, stamp?: string): StoredObject {
    let objects = this.buckets.get(bucket);
    if (objects === undefined) this.buckets.set(bucket, (objects = new Map()));
    const now = new Date().toISOString();
    const object: StoredObject = {
      bucket,
      name,
      bytes,
      generation: nextGeneration(),
      contentType,
      created: objects.get(name)?.created ?? now,
      updated: now,
      md5: createHash("md5").update(bytes).digest("base64"),
      crc32c: crc32cBase64(bytes),
      metadata,
      stamp,
    };
    objects.set(name, object);
    if (this.dir !== undefined && stamp === undefined) {
      const file = join(this.dir, bucket, ...name.split("/"));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, bytes);
      object.stamp = stampOf(file);
    }
    return object;
  }

  remove(bucket: string, name: string): boolean {
    const removed = this.buckets.get(bucket)?.delete(name) ?? false;
    if (removed && this.dir !== undefined) rmSync(join(this.dir, bucket, ...name.split("/")), { force: true });
    return removed;
  }

  /** Brings the in-memory view in line with the mirrored folder. */
  sync(): void {
    const dir = this.dir;
    if (dir === undefined) return;
    mkdirSync(dir, { recursive: true });
    const seen = new Set<string>();
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      if (!this.buckets.has(entry.name)) this.buckets.set(entry.name, new Map());
      for (const file of walk(join(dir, entry.name))) {
        const name = relative(join(dir, entry.name), file).split(sep).join("/");
        const key = `${entry.name}/${name}`;
        seen.add(key);
        const stamp = stampOf(file);
        if (this.buckets.get(entry.name)?.get(name)?.stamp !== stamp) this.put(entry.name, name, readFileSync(file), guessType(name), undefined, stamp);
      }
    }
    for (const [bucket, objects] of this.buckets) {
      for (const name of objects.keys()) if (!seen.has(`${bucket}/${name}`)) objects.delete(name);
    }
  }
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

function stampOf(file: string): string {
  const s = statSync(file);
  return `${s.size}:${s.mtimeMs}`;
}

export function guessType(name: string): string {
  const ext = name.slice(name.lastIndexOf(".") + 1).toLowerCase();
  const types: Record<string, string> = {
    csv: "text/csv",
    json: "application/json",
    ndjson: "application/x-ndjson",
    txt: "text/plain",
    parquet: "application/vnd.apache.parquet",
    arrow: "application/vnd.apache.arrow.file",
  };
  return types[ext] ?? "application/octet-stream";
}

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC32C (Castagnoli) as GCS reports it: base64 of the big-endian 4 bytes. */
function crc32cBase64(bytes: Uint8Array): string {
  let crc = 0xffffffff;
  for (const b of bytes) crc = crcTable[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return out.toString("base64");
}
