/**
 * Local files (or a glob of them) as live sources: read once, then re-read when the file system
 * says they changed (a chokidar watcher; nothing is polled). A glob's files are read in name
 * order and concatenated into one table.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import * as arrow from "apache-arrow";
import { watch } from "chokidar";
import { concatTables, decode, maybeFormat, toTable, type Format, type SourceValue } from "./formats.ts";
import type { Source } from "./source.ts";

export interface FileOptions {
  /** How to read the file(s). Default: from the extension. A glob must be a table format. */
  format?: Format;
  /** The folder relative paths start from. Default: the process's working folder. */
  cwd?: string;
}

const globChars = /[*?[{]/;

/** Splits a path or glob into the folder to watch and a matcher for the files under it. */
export function splitGlob(
  pattern: string,
  cwd: string,
): {
  base: string;
  match: (file: string) => boolean;
  recursive: boolean;
  glob: boolean;
} {
  const absolute = isAbsolute(pattern) ? pattern : join(cwd, pattern);
  const parts = absolute.split(/[\\/]/);
  const first = parts.findIndex((p) => globChars.test(p));
  if (first < 0) {
    const file = resolve(absolute);
    return {
      base: resolve(file, ".."),
      match: (f) => resolve(f) === file,
      recursive: false,
      glob: false,
    };
  }
  const base = resolve(parts.slice(0, first).join("/") || "/");
  const rest = parts.slice(first).join("/");
  const regex = new RegExp(`^${globToRegex(rest)}$`);
  return {
    base,
    match: (f) => regex.test(relative(base, f).split(sep).join("/")),
    recursive: rest.includes("**") || rest.includes("/"),
    glob: true,
  };
}

function globToRegex(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        out += glob[i + 2] === "/" ? "(?:.*/)?" : ".*";
        i += glob[i + 2] === "/" ? 2 : 1;
      } else out += "[^/]*";
    } else if (c === "?") out += "[^/]";
    else if (c === "{") {
      const end = glob.indexOf("}", i);
      out += `(?:${glob
        .slice(i + 1, end)
        .split(",")
        .map((s) => s.replace(/[.+^$()|\\]/g, "\\$&"))
        .join("|")})`;
      i = end;
    } else if (c === "[") {
      const end = glob.indexOf("]", i);
      out += glob.slice(i, end + 1);
      i = end;
    } else out += c.replace(/[.+^$()|\\]/g, "\\$&");
  }
  return out;
}

function* walk(dir: string, recursive: boolean): Generator<string> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive && entry.name !== "node_modules" && !entry.name.startsWith(".")) yield* walk(path, recursive);
    } else if (entry.isFile()) yield path;
  }
}

/**
 * A source for a local file or glob, re-read when it changes on disk.
 *
 * @example
 * const source = fileSource("data/*.csv", { cwd: appFolder });
 */
export function fileSource(pathOrGlob: string, options: FileOptions = {}): Source<SourceValue> {
  const cwd = options.cwd ?? process.cwd();
  const { base, match, recursive, glob } = splitGlob(pathOrGlob, cwd);
  if (options.format !== undefined) maybeFormat(options.format, pathOrGlob);

  const files = (): string[] => {
    if (!glob) {
      const [file] = [...walk(base, false)].filter(match);
      if (file === undefined || !statSync(file, { throwIfNoEntry: false })?.isFile()) throw new Error(`file ${pathOrGlob} not found (looked in ${base})`);
      return [file];
    }
    const found = [...walk(base, recursive)].filter(match).sort();
    if (found.length === 0) throw new Error(`no files match ${pathOrGlob} (looked under ${base})`);
    return found;
  };

  /** Resolves when the watcher has scanned the folder, so no change after a read is missed. */
  let watching: Promise<void> | undefined;

  return {
    label: pathOrGlob,
    async fetch() {
      await watching;
      const paths = files();
      const hash = createHash("sha1");
      const contents = paths.map((path) => {
        const bytes = readFileSync(path);
        hash.update(path).update("\0").update(bytes).update("\0");
        return {
          path,
          bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        };
      });
      const version = hash.digest("hex");
      if (!glob) {
        const only = contents[0]!;
        return {
          value: await decode(only.bytes, maybeFormat(options.format, only.path), only.path),
          version,
        };
      }
      const tables: arrow.Table[] = [];
      for (const { path, bytes } of contents) {
        const format = maybeFormat(options.format, path);
        if (format === "text" || format === "bytes")
          throw new Error(
            `${pathOrGlob} matches ${relative(cwd, path)}, which reads as ${format}: a glob is read as one table (csv, json, ndjson, arrow, parquet)`,
          );
        tables.push(await toTable(bytes, format, path));
      }
      return {
        value: {
          kind: "table",
          ipc: arrow.tableToIPC(concatTables(tables), "stream"),
        },
        version,
      };
    },
    watch(onChange) {
      const watcher = watch(base, {
        ignoreInitial: true,
        depth: recursive ? undefined : 0,
        ignored: (path: string) => path !== base && /(^|[\\/])(node_modules|\.git)([\\/]|$)/.test(path),
      });
      watcher.on("all", (_event: string, path: string) => {
        if (match(path)) onChange();
      });
      watching = new Promise((resolve) => {
        watcher.once("ready", () => resolve());
        watcher.once("error", () => resolve());
      });
      return () => {
        void watcher.close();
      };
    },
  };
}
