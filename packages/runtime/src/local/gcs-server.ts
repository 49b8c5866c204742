/**
 * A local Cloud Storage server that speaks enough of the JSON API for `@google-cloud/storage`:
 * bucket create/get, resumable, multipart and media uploads, listing with prefix / delimiter /
 * pages, object metadata, `alt=media` downloads (with `x-goog-hash`), deletes, and Google-shaped
 * 404 errors. Paths work with and without the `/storage/v1` prefix (the client drops it under
 * `STORAGE_EMULATOR_HOST`). Every write makes a new, larger generation.
 *
 * Objects live in memory or, with `dir`, mirror a folder (`gcs-store.ts`): each top-level subfolder is a bucket,
 * files below it are objects; edits made on disk show up as new generations.
 *
 * @example
 * const gcs = await startGcsServer();
 * gcs.putObject("sensors", "today.csv", "t,v\n1,2\n");
 * const storage = new Storage({ apiEndpoint: gcs.url, projectId: "local" });
 */
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { join } from "node:path";
import { GcsStore, guessType, type StoredObject } from "./gcs-store.ts";
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

/** Starts the server. */
export async function startGcsServer(options: GcsServerOptions = {}): Promise<GcsServer> {
  const host = options.host ?? "127.0.0.1";
  const store = new GcsStore(options.dir);
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
    store.sync();
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
      return sendJson(res, 200, resource(store.put(session.bucket, session.name, Buffer.concat(session.chunks), session.contentType, session.metadata)));
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
        if (store.buckets.has(body.name))
          return sendError(res, 409, "Your previous request to create the named bucket succeeded and you already own it.", "conflict");
        store.buckets.set(body.name, new Map());
        if (options.dir !== undefined) mkdirSync(join(options.dir, body.name), { recursive: true });
        return sendJson(res, 200, bucketResource(body.name));
      }
      return sendJson(res, 200, {
        kind: "storage#buckets",
        items: [...store.buckets.keys()].map(bucketResource),
      });
    }
    const bucket = decodeURIComponent(parts[1]!);
    const objects = store.buckets.get(bucket);
    if (parts.length === 2) {
      if (objects === undefined) return noBucket(res);
      if (method === "DELETE") {
        store.buckets.delete(bucket);
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
        return sendJson(res, 200, resource(store.put(bucket, name, data, meta.contentType ?? dataType ?? "application/octet-stream", meta.metadata)));
      }
      const name = q.get("name");
      if (!name) return sendError(res, 400, "Object name required.", "required");
      return sendJson(res, 200, resource(store.put(bucket, name, body, String(req.headers["content-type"] ?? "application/octet-stream"))));
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
      store.remove(bucket, name);
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
  store.sync();

  return {
    url: base,
    port,
    requests,
    putObject: (bucket, name, bytes, contentType) => store.put(bucket, name, Buffer.from(bytes), contentType ?? guessType(name)),
    deleteObject: (bucket, name) => store.remove(bucket, name),
    createBucket(bucket) {
      if (!store.buckets.has(bucket)) store.buckets.set(bucket, new Map());
    },
    close: () => shutdown(server),
  };
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
