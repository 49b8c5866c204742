/**
 * What `dash build` writes and `dash serve dist/` reads: `server/manifest.json` names the
 * bundled pages and the hashed files of `static/`. Nothing here compiles anything.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { EntryNames } from "@dash/runtime/assets.ts";
import type { PageSpec } from "@dash/runtime/host.ts";

export interface Manifest {
  /** Bumped when the layout changes; a server refuses a build it does not know. */
  format: 1;
  /** Pages, their bundles relative to the server folder. */
  pages: PageSpec[];
  defaultPage: string;
  /** The hashed names of the page's own files in `static/`. */
  entries: EntryNames;
  /** Where the page loads `static/` from (`--asset-url`), or null (from this server). */
  assetUrl: string | null;
}

/** A build ready to serve: absolute paths. */
export interface Built {
  serverDir: string;
  staticDir: string;
  pages: PageSpec[];
  defaultPage: string;
  entries: EntryNames;
  assetUrl: string | null;
}

/** The server folder of a `dash build` output given as `dist/` or `dist/server/`, else null. */
export function findBuilt(entry: string): string | null {
  for (const dir of [path.join(entry, "server"), entry]) if (existsSync(path.join(dir, "manifest.json"))) return path.resolve(dir);
  return null;
}

/** Read a build; `assetUrl` (from `dash serve --asset-url`) replaces the one it was built with. */
export function readBuilt(serverDir: string, assetUrl?: string): Built {
  const manifest = JSON.parse(readFileSync(path.join(serverDir, "manifest.json"), "utf8")) as Manifest;
  if (manifest.format !== 1) throw new Error(`${serverDir} was built by another version of dash: build it again with \`npx dash build\`.`);
  return {
    serverDir,
    staticDir: path.resolve(serverDir, "../static"),
    pages: manifest.pages.map((page) => ({ ...page, file: path.resolve(serverDir, page.file) })),
    defaultPage: manifest.defaultPage,
    entries: manifest.entries,
    assetUrl: assetUrl || manifest.assetUrl,
  };
}
