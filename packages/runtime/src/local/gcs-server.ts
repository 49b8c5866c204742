/**
 * A local Cloud Storage server that speaks enough of the JSON API for `@google-cloud/storage`:
 * bucket create/get, resumable, multipart and media uploads, listing with prefix / delimiter /
 * pages, object metadata, `alt=media` downloads (with `x-goog-hash`), deletes, and Google-shaped
 * 404 errors. Paths work with and without the `/storage/v1` prefix (the client drops it under
 * `STORAGE_EMULATOR_HOST`). Every write makes a new, larger generation.
 *
 * Objects live in memory or, with `dir`, mirror a folder: each top-level subfolder is a bucket,
 * files below it are objects; edits made on disk show up as new generations.
 *
 * @example
 * const gcs = await startGcsServer();
 * gcs.putObject("sensors", "today.csv", "t,v\n1,2\n");
 * const storage = new Storage({ apiEndpoint: gcs.url, projectId: "local" });
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { dirname, join, relative, sep } from "node:path";
import { listen, readBody, sendError, sendJson, shutdown } from "./http.ts";

export interface GcsServerOptions {
  port?: number;
  host?: string;
  /** Mirror this folder: subfolders are buckets, files below them objects. */
  dir?: string;
}

export interface GcsServer {
  /** Base URL, e.g. `http://127.0.0.1:4443`: pass it as `apiEndpoint` or `STORAGE_EMULATOR_HOST`. */
  url: string;
  port: number;
  /** Every request received, in order (`path` includes the query string). */
  requests: Array<{ method: string; path: string }>;
  putObject(bucket: string, name: string, bytes: Uint8Array | string, contentType?: string): StoredObject;
  deleteObject(bucket: string, name: string): boolean;
  createBucket(bucket: string): void;
  close(): Promise<void>;
}

interface StoredObject {
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

/** Starts the server. */
export async function startGcsServer(options: GcsServerOptions = {}): Promise<GcsServer> {
  const host = options.host ?? "127.0.0.1";
  const buckets = new Map<string, Map<string, StoredObject>>();
  const uploads = new Map<
    string,
    {
      bucket: string;
      name: string;
      contentType: string;
      metadata?: Record<string, string>;
      chunks: Buffer[];
    }
  >();
  const requests: Array<{ method: string; path: string }> = [];
  let base = "";

  const put = (bucket: string, name: string, bytes: Buffer, contentType: string, metadata?: Record<string, string>, stamp?: string): StoredObject => {
    let objects = buckets.get(bucket);
    if (objects === undefined) buckets.set(bucket, (objects = new Map()));
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
    if (options.dir !== undefined && stamp === undefined) {
      const file = join(options.dir, bucket, ...name.split("/"));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, bytes);
      object.stamp = stampOf(file);
    }
    return object;
  };

  const remove = (bucket: string, name: string): boolean => {
    const removed = buckets.get(bucket)?.delete(name) ?? false;
    if (removed && options.dir !== undefined) rmSync(join(options.dir, bucket, ...name.split("/")), { force: true });
    return removed;
  };

  /** Brings the in-memory view in line with the mirrored folder. */
  const sync = (): void => {
    const dir = options.dir;
    if (dir === undefined) return;
    mkdirSync(dir, { recursive: true });
    const seen = new Set<string>();
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      if (!buckets.has(entry.name)) buckets.set(entry.name, new Map());
      for (const file of walk(join(dir, entry.name))) {
        const name = relative(join(dir, entry.name), file).split(sep).join("/");
        const key = `${entry.name}/${name}`;
        seen.add(key);
        const stamp = stampOf(file);
        if (buckets.get(entry.name)?.get(name)?.stamp !== stamp) put(entry.name, name, readFileSync(file), guessType(name), undefined, stamp);
      }
    }
    for (const [bucket, objects] of buckets) {
      for (const name of objects.keys()) if (!seen.has(`${bucket}/${name}`)) objects.delete(name);
    }
  };

  const resource = (o: StoredObject) => ({
    kind: "storage#object",
    id: `${o.bucket}/${o.name}/${o.generation}`,
    selfLink: `${base}/storage/v1/b/${o.bucket}/o/${encodeURIComponent(o.name)}`,
    mediaLink: `${base}/download/storage/v1/b/${o.bucket}/o/${encodeURIComponent(o.name)}?generation=${o.generation}&alt=media`,
    name: o.name,
    bucket: o.bucket,
    generation: String(o.generation),
    metageneration: "1",
    contentType: o.contentType,
    storageClass: "STANDARD",
    size: String(o.bytes.length),
    md5Hash: o.md5,
    crc32c: o.crc32c,
    etag: `${o.md5}/${o.generation}`,
    timeCreated: o.created,
    updated: o.updated,
    ...(o.metadata ? { metadata: o.metadata } : {}),
  });

  const bucketResource = (name: string) => ({
    kind: "storage#bucket",
    id: name,
    name,
    selfLink: `${base}/storage/v1/b/${name}`,
    projectNumber: "0",
    metageneration: "1",
    location: "US",
    storageClass: "STANDARD",
    etag: "CAE=",
    timeCreated: new Date(0).toISOString(),
    updated: new Date(0).toISOString(),
  });

  const noBucket = (res: ServerResponse) => sendError(res, 404, "The specified bucket does not exist.", "notFound");

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://local");
    const method = req.method ?? "GET";
    requests.push({ method, path: `${url.pathname}${url.search}` });
    sync();
    const q = url.searchParams;
    let path = url.pathname;
    const upload = path.startsWith("/upload/");
    path = path.replace(/^\/(upload|download)\//, "/").replace(/^\/storage\/v1(?=\/)/, "");

    // Resumable upload, second step: PUT to the session URL.
    const uploadId = q.get("upload_id");
    if (uploadId !== null) {
      const session = uploads.get(uploadId);
      if (session === undefined) return sendError(res, 404, "No such upload session.", "notFound");
      const body = await readBody(req);
      session.chunks.push(body);
      const range = /bytes (\d+)-(\d+)\/(\d+|\*)/.exec(req.headers["content-range"] ?? "");
      const received = session.chunks.reduce((n, c) => n + c.length, 0);
      if (range && range[3] !== "*" && received < Number(range[3])) {
        res.writeHead(308, {
          range: `bytes=0-${received - 1}`,
          "content-length": 0,
        });
        return void res.end();
      }
      uploads.delete(uploadId);
      return sendJson(res, 200, resource(put(session.bucket, session.name, Buffer.concat(session.chunks), session.contentType, session.metadata)));
    }

    const parts = path.split("/").filter(Boolean);
    if (parts[0] !== "b") return sendError(res, 404, `Not found: ${url.pathname}`, "notFound");

    // Buckets.
    if (parts.length === 1) {
      if (method === "POST") {
        const body = JSON.parse((await readBody(req)).toString() || "{}") as {
          name?: string;
        };
        if (!body.name) return sendError(res, 400, "Bucket name required.", "required");
        if (buckets.has(body.name))
          return sendError(res, 409, "Your previous request to create the named bucket succeeded and you already own it.", "conflict");
        buckets.set(body.name, new Map());
        if (options.dir !== undefined) mkdirSync(join(options.dir, body.name), { recursive: true });
        return sendJson(res, 200, bucketResource(body.name));
      }
      return sendJson(res, 200, {
        kind: "storage#buckets",
        items: [...buckets.keys()].map(bucketResource),
      });
    }
    const bucket = decodeURIComponent(parts[1]!);
    const objects = buckets.get(bucket);
    if (parts.length === 2) {
      if (objects === undefined) return noBucket(res);
      if (method === "DELETE") {
        buckets.delete(bucket);
        res.writeHead(204);
        return void res.end();
      }
      return sendJson(res, 200, bucketResource(bucket));
    }
    if (parts[2] !== "o") return sendError(res, 404, `Not found: ${url.pathname}`, "notFound");
    if (objects === undefined) return noBucket(res);

    // Uploads.
    if (upload && method === "POST") {
      const type = q.get("uploadType");
      const body = await readBody(req);
      if (type === "resumable") {
        const meta = body.length
          ? (JSON.parse(body.toString()) as {
              name?: string;
              contentType?: string;
              metadata?: Record<string, string>;
            })
          : {};
        const name = q.get("name") ?? meta.name;
        if (!name) return sendError(res, 400, "Object name required.", "required");
        const id = randomUUID();
        const contentType = String(req.headers["x-upload-content-type"] ?? meta.contentType ?? "application/octet-stream");
        uploads.set(id, {
          bucket,
          name,
          contentType,
          metadata: meta.metadata,
          chunks: [],
        });
        res.writeHead(200, {
          location: `${base}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=resumable&name=${encodeURIComponent(name)}&upload_id=${id}`,
          "content-length": 0,
        });
        return void res.end();
      }
      if (type === "multipart") {
        const { meta, data, dataType } = parseMultipart(body, String(req.headers["content-type"] ?? ""));
        const name = q.get("name") ?? meta.name;
        if (!name) return sendError(res, 400, "Object name required.", "required");
        return sendJson(res, 200, resource(put(bucket, name, data, meta.contentType ?? dataType ?? "application/octet-stream", meta.metadata)));
      }
      const name = q.get("name");
      if (!name) return sendError(res, 400, "Object name required.", "required");
      return sendJson(res, 200, resource(put(bucket, name, body, String(req.headers["content-type"] ?? "application/octet-stream"))));
    }

    // Listing.
    if (parts.length === 3) {
      const prefix = q.get("prefix") ?? "";
      const delimiter = q.get("delimiter") ?? "";
      const max = Math.max(1, Number(q.get("maxResults") ?? 1000));
      const names = [...objects.keys()].filter((n) => n.startsWith(prefix)).sort();
      const items: StoredObject[] = [];
      const prefixes = new Set<string>();
      for (const name of names) {
        const rest = name.slice(prefix.length);
        const cut = delimiter ? rest.indexOf(delimiter) : -1;
        if (cut >= 0) prefixes.add(prefix + rest.slice(0, cut + delimiter.length));
        else items.push(objects.get(name)!);
      }
      const start = Number(q.get("pageToken") ?? 0);
      const page = items.slice(start, start + max);
      const body: Record<string, unknown> = {
        kind: "storage#objects",
        items: page.map(resource),
      };
      if (prefixes.size) body.prefixes = [...prefixes];
      if (start + max < items.length) body.nextPageToken = String(start + max);
      return sendJson(res, 200, body);
    }

    // One object.
    const name = decodeURIComponent(parts.slice(3).join("/"));
    const object = objects.get(name);
    const generation = q.get("generation");
    if (object === undefined || (generation !== null && generation !== String(object.generation))) {
      return sendError(res, 404, `No such object: ${bucket}/${name}`, "notFound");
    }
    if (method === "DELETE") {
      remove(bucket, name);
      res.writeHead(204);
      return void res.end();
    }
    if (q.get("alt") === "media") {
      res.writeHead(200, {
        "content-type": object.contentType,
        "content-length": object.bytes.length,
        "x-goog-hash": `crc32c=${object.crc32c},md5=${object.md5}`,
        "x-goog-generation": String(object.generation),
        "x-goog-stored-content-length": String(object.bytes.length),
      });
      return void res.end(object.bytes);
    }
    return sendJson(res, 200, resource(object));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, error instanceof Error ? error.message : String(error), "backendError");
      else res.destroy();
    });
  });
  const port = await listen(server, options.port ?? 0, host);
  base = `http://${host}:${port}`;
  sync();

  return {
    url: base,
    port,
    requests,
    putObject: (bucket, name, bytes, contentType) => put(bucket, name, Buffer.from(bytes), contentType ?? guessType(name)),
    deleteObject: remove,
    createBucket(bucket) {
      if (!buckets.has(bucket)) buckets.set(bucket, new Map());
    },
    close: () => shutdown(server),
  };
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

function guessType(name: string): string {
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

/** Splits a `multipart/related` upload into its JSON metadata part and its data part. */
function parseMultipart(
  body: Buffer,
  contentType: string,
): {
  meta: {
    name?: string;
    contentType?: string;
    metadata?: Record<string, string>;
  };
  data: Buffer;
  dataType?: string;
} {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (boundary === undefined) throw new Error("multipart upload without a boundary");
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Array<{ headers: string; content: Buffer }> = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === "--") break;
    const next = body.indexOf(delimiter, start);
    const chunk = body.subarray(start, next < 0 ? body.length : next);
    const split = chunk.indexOf("\r\n\r\n");
    let content = chunk.subarray(split + 4);
    if (content.subarray(content.length - 2).toString() === "\r\n") content = content.subarray(0, content.length - 2);
    parts.push({ headers: chunk.subarray(0, split).toString(), content });
    at = next;
  }
  const [metaPart, dataPart] = parts;
  if (metaPart === undefined || dataPart === undefined) throw new Error("multipart upload needs a metadata part and a data part");
  const dataType = /content-type:\s*([^\r\n]+)/i.exec(dataPart.headers)?.[1];
  return {
    meta: JSON.parse(metaPart.content.toString()) as { name?: string },
    data: Buffer.from(dataPart.content),
    dataType,
  };
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
