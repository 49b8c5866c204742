/**
 * Cloud Storage objects as live sources.
 *
 * Each poll reads only metadata (the object's `generation`, or a listing for `latest`) and
 * downloads when the generation moved. Re-uploading identical bytes makes a new generation but
 * the same MD5, so it downloads once and reruns nobody.
 */
import type { Storage } from "@google-cloud/storage";
import { codeOf, describeStorageCredentials, isUnreachable } from "./credentials.ts";
import { tableFromIPC, tableToIPC } from "apache-arrow";
import { concatTables, decode, maybeFormat, type Format, type SourceValue } from "./formats.ts";
import { messageOf, type Source } from "./source.ts";

export interface GcsOptions {
  /**
   * Read the newest object (by update time, then name) under the prefix `gs://bucket/prefix/`;
   * a number `n` reads the newest `n` objects as one table, oldest first (e.g. the last windows
   * of a streaming pipeline). Either way each poll is one listing.
   */
  latest?: boolean | number;
  /** How to read the bytes. Default: from the object name's extension, else bytes. */
  format?: Format;
  /** Milliseconds between metadata checks. */
  every?: number;
}

/** The metadata fields the connector uses. */
interface ObjectInfo {
  name: string;
  generation: string;
  md5?: string;
}

/** Splits `gs://bucket/path` into its bucket and object path (or prefix). */
export function parseGcsUri(uri: string): { bucket: string; path: string } {
  const match = /^gs:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (match === null || match[1] === undefined) {
    throw new Error(`Invalid Cloud Storage URI "${uri}": expected gs://bucket/path/to/object`);
  }
  return { bucket: match[1], path: match[2] ?? "" };
}

/**
 * A source for `gs://bucket/object` or, with `latest`, the newest object under `gs://bucket/prefix/`.
 *
 * @example
 * const source = gcsSource(new Storage(), "gs://sensors/today.csv", { every: 20_000 });
 */
export function gcsSource(storage: Storage, uri: string, options: GcsOptions = {}): Source<SourceValue> {
  const { bucket, path } = parseGcsUri(uri);
  const count = typeof options.latest === "number" ? options.latest : options.latest === true ? 1 : 0;
  const latest = count > 0;
  if (typeof options.latest === "number" && (!Number.isInteger(count) || count < 1)) {
    throw new Error(`latest must be true or a whole number of objects ≥ 1 (got ${options.latest}) for ${uri}`);
  }
  if (!latest && (path === "" || path.endsWith("/"))) {
    throw new Error(`${uri} names a folder: pass { latest: true } to read the newest object under it, or name an object`);
  }
  if (options.format !== undefined) maybeFormat(options.format, uri);
  let checked: ObjectInfo[] | undefined;
  /** Bytes of the objects read last time, by name#generation: a new window downloads only itself. */
  let kept = new Map<string, Uint8Array>();

  const fail = async (error: unknown, object?: string): Promise<never> => {
    throw await describeError(storage, bucket, object, uri, error);
  };

  /** The object, or the newest `count` objects under the prefix, oldest first. */
  const locate = async (): Promise<ObjectInfo[]> => {
    if (!latest) {
      const [meta] = await storage
        .bucket(bucket)
        .file(path)
        .getMetadata()
        .catch((e: unknown) => fail(e, path));
      return [infoOf(meta)];
    }
    const [files] = await storage
      .bucket(bucket)
      .getFiles({ prefix: path, autoPaginate: true })
      .catch((e: unknown) => fail(e));
    const objects = files
      .filter((file) => !file.name.endsWith("/"))
      .map((file) => ({ info: infoOf(file.metadata), updated: Date.parse(String(file.metadata.updated ?? "")) || 0 }))
      .sort((a, b) => a.updated - b.updated || (a.info.name < b.info.name ? -1 : a.info.name > b.info.name ? 1 : 0));
    if (objects.length === 0) throw new Error(`no objects under ${uri}`);
    return objects.slice(-count).map((object) => object.info);
  };

  const download = async (info: ObjectInfo): Promise<Uint8Array> => {
    const [bytes] = await storage.bucket(bucket).file(info.name, { generation: info.generation }).download();
    return bytes;
  };

  const read = async (infos: ObjectInfo[]): Promise<Map<string, Uint8Array>> => {
    const next = new Map<string, Uint8Array>();
    await Promise.all(
      infos.map(async (info) => {
        const id = `${info.name}#${info.generation}`;
        next.set(id, kept.get(id) ?? (await download(info)));
      }),
    );
    return next;
  };

  return {
    label: uri,
    every: options.every,
    async check() {
      checked = await locate();
      return checked.map((info) => `${info.name}#${info.generation}`).join("\n");
    },
    async fetch() {
      let infos = checked ?? (await locate());
      checked = undefined;
      let bytes: Map<string, Uint8Array>;
      try {
        bytes = await read(infos);
      } catch (error) {
        // Overwritten or deleted between the metadata read and the download: look again once.
        if (codeOf(error) !== 404) return fail(error, infos.find((info) => !kept.has(`${info.name}#${info.generation}`))?.name);
        infos = await locate();
        bytes = await read(infos).catch((e: unknown) => fail(e, infos[0]?.name));
      }
      kept = bytes;
      const values = await Promise.all(
        infos.map((info) => decode(bytes.get(`${info.name}#${info.generation}`)!, maybeFormat(options.format, info.name), `gs://${bucket}/${info.name}`)),
      );
      return {
        value: count > 1 ? concatValues(values) : values[0]!,
        version: infos.map((info) => `${info.name}#${info.md5 ?? info.generation}`).join("\n"),
        check: infos.map((info) => `${info.name}#${info.generation}`).join("\n"),
      };
    },
  };
}

/** The newest objects as one value: tables concatenated (oldest first), texts joined, bytes appended. */
function concatValues(values: SourceValue[]): SourceValue {
  if (values.every((value) => value.kind === "table")) {
    return { kind: "table", ipc: tableToIPC(concatTables(values.map((value) => tableFromIPC(value.ipc))), "stream") };
  }
  if (values.every((value) => value.kind === "text")) return { kind: "text", text: values.map((value) => value.text).join("") };
  const parts = values.map((value) => (value.kind === "bytes" ? value.bytes : value.kind === "text" ? new TextEncoder().encode(value.text) : value.ipc));
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return { kind: "bytes", bytes: out };
}

function infoOf(meta: { name?: string; generation?: string | number; md5Hash?: string }): ObjectInfo {
  return {
    name: String(meta.name),
    generation: String(meta.generation ?? ""),
    md5: meta.md5Hash,
  };
}

/** Turns a client error into one that names the bucket or object and, for access errors, the credentials. */
async function describeError(storage: Storage, bucket: string, object: string | undefined, uri: string, error: unknown): Promise<Error> {
  const code = codeOf(error);
  const message = messageOf(error);
  const where = storage.apiEndpoint && !storage.apiEndpoint.includes("googleapis.com") ? ` at ${storage.apiEndpoint}` : "";
  if (code === 404) {
    if (object !== undefined) {
      const [exists] = await storage
        .bucket(bucket)
        .exists()
        .catch(() => [true]);
      if (exists)
        return new Error(`object gs://${bucket}/${object} not found${where}`, {
          cause: error,
        });
    }
    return new Error(`bucket ${bucket} not found${where} (reading ${uri})`, {
      cause: error,
    });
  }
  if (code === 401 || code === 403) {
    return new Error(`access to ${uri} denied${where}: ${message}. Credentials used: ${describeStorageCredentials()}`, { cause: error });
  }
  if (isUnreachable(error)) {
    return new Error(`could not reach Cloud Storage${where || ` (${storage.apiEndpoint})`} to read ${uri}: ${message}`, { cause: error });
  }
  return new Error(`reading ${uri}${where}: ${message}`, { cause: error });
}
