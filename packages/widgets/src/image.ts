import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { scopeOf } from "@dash/runtime/scope.ts";

export interface ImageOptions {
  caption?: string;
  /** Width in pixels (default: its natural width, at most the column's). */
  width?: number;
  alt?: string;
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
export function maybeImageSource(src: string | Uint8Array): string {
  if (typeof src !== "string") return `data:${sniff(src)};base64,${Buffer.from(src).toString("base64")}`;
  if (/^https?:\/\//i.test(src) || /^data:image\/(png|jpeg|gif|webp);/i.test(src)) return src;
  if (existsSync(src)) {
    const type = types[path.extname(src).slice(1).toLowerCase()] ?? "image/png";
    // SVG files are shown through <img>, where their scripts never run.
    return `data:${type};base64,${readFileSync(src).toString("base64")}`;
  }
  throw new Error(`image(): ${JSON.stringify(src.slice(0, 80))} is not an http(s) URL, a data:image URL, image bytes, or an existing file.`);
}

/** An image from a URL, a local file path, or bytes. */
export function image(this: unknown, src: string | Uint8Array, options: ImageOptions = {}): void {
  const props: Record<string, string | number> = { src: maybeImageSource(src) };
  if (options.caption) props.caption = options.caption;
  if (options.width) props.width = options.width;
  props.alt = options.alt ?? options.caption ?? "";
  scopeOf(this).add("image", props);
}
