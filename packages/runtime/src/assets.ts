/**
 * The browser client of a `dash build` (its `static/` folder), served by `dash serve`: files
 * named by their content's hash, so each is cached for a year as immutable, and sent in the
 * brotli or gzip variant written beside it when the browser accepts one. With an asset URL (a
 * CDN or bucket holding the same folder), the page loads them from there instead.
 */
import { readdirSync, readFileSync } from "node:fs";
import type http from "node:http";
import path from "node:path";

/** The hashed names of the files the page itself names. */
export interface EntryNames {
  js: string;
  css: string;
  markdown: string;
}

export interface StaticAssets {
  /** What the page loads: stylesheet, entry script, markdown chunk (preloaded). */
  urls: EntryNames;
  /** The asset URL's origin, to allow in the page's Content-Security-Policy (null: same origin). */
  origin: string | null;
  /** Answers `/_dash/<hashed name>`; false when the path is not one of these files. */
  serve(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): boolean;
}

export const immutable = "public, max-age=31536000, immutable";

const types: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};

interface File {
  type: string;
  body: Buffer;
  br: Buffer | null;
  gzip: Buffer | null;
}

/** The encoding to send: brotli, then gzip, when `accept-encoding` allows it (q=0 refuses). */
export function pickEncoding(accept: string | undefined, has: { br: boolean; gzip: boolean }): "br" | "gzip" | null {
  const allowed = new Set<string>();
  for (const part of (accept ?? "").toLowerCase().split(",")) {
    const [name, ...params] = part.trim().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    if (name && !(q && Number(q.slice(2)) === 0)) allowed.add(name.trim());
  }
  if (has.br && (allowed.has("br") || allowed.has("*"))) return "br";
  if (has.gzip && (allowed.has("gzip") || allowed.has("*"))) return "gzip";
  return null;
}

/** Read a `dash build`'s static folder into memory (a few hundred KB) and serve it. */
export function staticAssets(dir: string, names: EntryNames, assetUrl: string | null): StaticAssets {
  const files = new Map<string, File>();
  const read = (name: string): Buffer | null => {
    try {
      return readFileSync(path.join(dir, name));
    } catch {
      return null;
    }
  };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const name = entry.name;
    if (!entry.isFile()) continue; // plain files only: a symlink is not followed out of the folder
    const type = types[path.extname(name)];
    if (!type || name.endsWith(".map")) continue; // .br and .gz are read with their file; maps are never served
    files.set(`/_dash/${name}`, { type, body: readFileSync(path.join(dir, name)), br: read(`${name}.br`), gzip: read(`${name}.gz`) });
  }
  for (const name of Object.values(names)) if (!files.has(`/_dash/${name}`)) throw new Error(`${dir} has no ${name}: build again with \`npx dash build\`.`);
  const base = assetUrl ? (assetUrl.endsWith("/") ? assetUrl : `${assetUrl}/`) : "/_dash/";
  return {
    urls: { js: base + names.js, css: base + names.css, markdown: base + names.markdown },
    origin: assetUrl ? new URL(assetUrl).origin : null,
    serve(req, res, pathname) {
      const file = files.get(pathname);
      if (!file) return false;
      // The name is the content's hash, so a copy under this name is this content.
      if (String(req.headers["if-none-match"] ?? "").includes(`"${path.basename(pathname)}`)) {
        res.writeHead(304, { "cache-control": immutable }).end();
        return true;
      }
      const encoding = pickEncoding(req.headers["accept-encoding"], { br: file.br !== null, gzip: file.gzip !== null });
      const body = encoding === "br" ? file.br! : encoding === "gzip" ? file.gzip! : file.body;
      res.writeHead(200, {
        "content-type": file.type,
        "content-length": body.length,
        "cache-control": immutable,
        etag: `"${path.basename(pathname)}${encoding ? `-${encoding}` : ""}"`,
        vary: "accept-encoding",
        "x-content-type-options": "nosniff",
        ...(encoding ? { "content-encoding": encoding } : {}),
      });
      res.end(req.method === "HEAD" ? undefined : body);
      return true;
    },
  };
}
