/**
 * Cloud Storage objects as live sources.
 *
 * Each poll reads only metadata (the object's `generation`, or a listing for `latest`) and
 * downloads when the generation moved. Re-uploading identical bytes makes a new generation but
 * the same MD5, so it downloads once and reruns nobody.
 */
import type { Storage } from "@google-cloud/storage";
import {
  codeOf,
  describeStorageCredentials,
  isUnreachable,
} from "./credentials.ts";
import {
  decode,
  maybeFormat,
  type Format,
  type SourceValue,
} from "./formats.ts";
import { messageOf, type Source } from "./poller.ts";

export interface GcsOptions {
  /** Read the newest object (by update time, then name) under the prefix `gs://bucket/prefix/`. */
  latest?: boolean;
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
    throw new Error(
      `Invalid Cloud Storage URI "${uri}": expected gs://bucket/path/to/object`,
    );
  }
  return { bucket: match[1], path: match[2] ?? "" };
}

/**
 * A source for `gs://bucket/object` or, with `latest`, the newest object under `gs://bucket/prefix/`.
 *
 * @example
 * const source = gcsSource(new Storage(), "gs://sensors/today.csv", { every: 20_000 });
 */
export function gcsSource(
  storage: Storage,
  uri: string,
  options: GcsOptions = {},
): Source<SourceValue> {
  const { bucket, path } = parseGcsUri(uri);
  const latest = options.latest === true;
  if (!latest && (path === "" || path.endsWith("/"))) {
    throw new Error(
      `${uri} names a folder: pass { latest: true } to read the newest object under it, or name an object`,
    );
  }
  if (options.format !== undefined) maybeFormat(options.format, uri);
  let checked: ObjectInfo | undefined;

  const fail = async (error: unknown, object?: string): Promise<never> => {
    throw await describeError(storage, bucket, object, uri, error);
  };

  const locate = async (): Promise<ObjectInfo> => {
    if (!latest) {
      const [meta] = await storage
        .bucket(bucket)
        .file(path)
        .getMetadata()
        .catch((e: unknown) => fail(e, path));
      return infoOf(meta);
    }
    const [files] = await storage
      .bucket(bucket)
      .getFiles({ prefix: path, autoPaginate: true })
      .catch((e: unknown) => fail(e));
    let newest: { info: ObjectInfo; updated: number } | undefined;
    for (const file of files) {
      if (file.name.endsWith("/")) continue;
      const updated = Date.parse(String(file.metadata.updated ?? "")) || 0;
      if (
        newest === undefined ||
        updated > newest.updated ||
        (updated === newest.updated && file.name > newest.info.name)
      ) {
        newest = { info: infoOf(file.metadata), updated };
      }
    }
    if (newest === undefined) throw new Error(`no objects under ${uri}`);
    return newest.info;
  };

  const download = async (info: ObjectInfo): Promise<Uint8Array> => {
    const [bytes] = await storage
      .bucket(bucket)
      .file(info.name, { generation: info.generation })
      .download();
    return bytes;
  };

  return {
    label: uri,
    every: options.every,
    async check() {
      checked = await locate();
      return `${checked.name}#${checked.generation}`;
    },
    async fetch() {
      let info = checked ?? (await locate());
      checked = undefined;
      let bytes: Uint8Array;
      try {
        bytes = await download(info);
      } catch (error) {
        // Overwritten between the metadata read and the download: look again once.
        if (codeOf(error) !== 404) return fail(error, info.name);
        info = await locate();
        bytes = await download(info).catch((e: unknown) => fail(e, info.name));
      }
      const format = maybeFormat(options.format, info.name);
      const value = await decode(bytes, format, `gs://${bucket}/${info.name}`);
      return {
        value,
        version: `${info.name}#${info.md5 ?? info.generation}`,
        check: `${info.name}#${info.generation}`,
      };
    },
  };
}

function infoOf(meta: {
  name?: string;
  generation?: string | number;
  md5Hash?: string;
}): ObjectInfo {
  return {
    name: String(meta.name),
    generation: String(meta.generation ?? ""),
    md5: meta.md5Hash,
  };
}

/** Turns a client error into one that names the bucket or object and, for access errors, the credentials. */
async function describeError(
  storage: Storage,
  bucket: string,
  object: string | undefined,
  uri: string,
  error: unknown,
): Promise<Error> {
  const code = codeOf(error);
  const message = messageOf(error);
  const where =
    storage.apiEndpoint && !storage.apiEndpoint.includes("googleapis.com")
      ? ` at ${storage.apiEndpoint}`
      : "";
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
    return new Error(
      `access to ${uri} denied${where}: ${message}. Credentials used: ${describeStorageCredentials()}`,
      { cause: error },
    );
  }
  if (isUnreachable(error)) {
    return new Error(
      `could not reach Cloud Storage${where || ` (${storage.apiEndpoint})`} to read ${uri}: ${message}`,
      { cause: error },
    );
  }
  return new Error(`reading ${uri}${where}: ${message}`, { cause: error });
}
