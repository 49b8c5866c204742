import { existsSync, readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { scopeOf } from "@dash/runtime/scope.ts";

export interface ImageOptions {
  caption?: string;
  /** Width in pixels (default: its natural width, at most the column's). */
  width?: number;
  alt?: string;
  /**
   * Read a file outside the app's folder (a path from a setting, say). Off by default: a path a
   * viewer can influence (a query parameter) must not read the server's other files.
   */
  unsafeAnyPath?: boolean;
}

/** The folder an app's files are read from (its script's folder, or its folder of pages). */
let appFolder: string | null = null;

/** Set by the worker (and `testApp`) before any script runs. */
export function setAppFolder(folder: string): void {
  appFolder = realpathSync(folder);
}

/** The file `src` names, if it lies in the app's folder (links resolved) or `anywhere` is set. */
function confined(src: string, anywhere: boolean): string {
  const file = path.resolve(src);
  if (anywhere) return file;
  const root = appFolder ?? realpathSync(process.cwd());
  const real = existsSync(file) ? realpathSync(file) : file;
  const inside = path.relative(root, real);
  if (inside === "" || inside.startsWith("..") || path.isAbsolute(inside))
    throw new Error(
      `image(): ${JSON.stringify(src.slice(0, 80))} is outside the app's folder; only files in it are read (pass { unsafeAnyPath: true } to read one elsewhere).`,
    );
  return real;
}

const types: Record<string, string> = { png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp", svg: "image/svg+xml" };

function sniff(bytes: Uint8Array): string {
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return "image/png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return "image/jpeg";
  if (bytes[0] === 0x47 && bytes[1] === 0x49) return "image/gif";
  if (bytes[8] === 0x57 && bytes[9] === 0x45) return "image/webp";
  return "image/png";
}

/** An http(s) or data:image URL the browser may load; anything else (javascript:, file:) is refused. */
export function maybeImageSource(src: string | Uint8Array, anywhere = false): string {
  if (typeof src !== "string") return `data:${sniff(src)};base64,${Buffer.from(src).toString("base64")}`;
  if (/^https?:\/\//i.test(src) || /^data:image\/(png|jpeg|gif|webp);/i.test(src)) return src;
  if (/^[a-z][a-z0-9+.-]+:/i.test(src) && !/^[a-z]:[\\/]/i.test(src)) {
    throw new Error(`image(): ${JSON.stringify(src.slice(0, 80))} is not an http(s) URL, a data:image URL, image bytes, or a file in the app's folder.`);
  }
  const file = confined(src, anywhere);
  if (existsSync(file)) {
    const type = types[path.extname(file).slice(1).toLowerCase()] ?? "image/png";
    // SVG files are shown through <img>, where their scripts never run.
    return `data:${type};base64,${readFileSync(file).toString("base64")}`;
  }
  throw new Error(`image(): ${JSON.stringify(src.slice(0, 80))} is not an http(s) URL, a data:image URL, image bytes, or an existing file.`);
}

/**
 * An image from a URL, a file in the app's folder (a relative path is read from the current
 * directory, as Node reads it), or bytes.
 */
export function image(this: unknown, src: string | Uint8Array, options: ImageOptions = {}): void {
  const props: Record<string, string | number> = { src: maybeImageSource(src, options.unsafeAnyPath === true) };
  if (options.caption) props.caption = options.caption;
  if (options.width) props.width = options.width;
  props.alt = options.alt ?? options.caption ?? "";
  scopeOf(this).add("image", props);
}
