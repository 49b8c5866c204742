/**
 * `npx dash build app.ts --out dist/`: a folder to deploy.
 *
 * - `dist/server/`: `main.js` (run it with `node dist/server/main.js` or `npx dash serve dist/`),
 *   `dash/` (the dash server and script worker, bundled with every package they use except
 *   esbuild and TypeScript, which a built server never loads), `pages/` (each page's script
 *   bundled with the packages it imports) and `manifest.json`.
 * - `dist/static/`: the browser client, minified, named by content hash, with a brotli (`.br`)
 *   and a gzip (`.gz`) copy beside each file, ready for a bucket or CDN.
 */
import * as esbuild from "esbuild";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { buildScript, BuildError } from "@dash/runtime/build.ts";
import { distDir } from "./app.ts";
import { findPages } from "./pages.ts";
import type { Manifest } from "./built.ts";

export interface BuildOptions {
  /** A script or a folder of page scripts. */
  entry: string;
  /** The output folder (`dist/`); its `server/` and `static/` are replaced. */
  out: string;
  /** Where the page will load `static/` from (a CDN or bucket URL); default: the server itself. */
  assetUrl?: string | undefined;
  log?: (line: string) => void;
}

export interface BuildReport {
  pages: string[];
  /** Files written to `static/` (without their .br and .gz copies), with their sizes. */
  statics: { name: string; bytes: number; br: number; gzip: number }[];
  ms: number;
}

/** Packages a built server must not load (the compiler, the type checker) or has no use for. */
const notShipped = ["esbuild", "typescript", "@duckdb/node-api", "bufferutil", "utf-8-validate"];
const requireBanner = "import { createRequire as __dashServerRequire } from 'node:module'; const require = __dashServerRequire(import.meta.url);";

export async function buildApp(options: BuildOptions): Promise<BuildReport> {
  const started = performance.now();
  const log = options.log ?? ((line: string) => console.error(line));
  if (options.assetUrl !== undefined) checkAssetUrl(options.assetUrl);
  const found = findPages(options.entry);
  const out = path.resolve(options.out);
  const serverDir = path.join(out, "server");
  const staticDir = path.join(out, "static");
  const mapsDir = path.join(out, "sourcemaps");
  for (const dir of [serverDir, staticDir, mapsDir]) rmSync(dir, { recursive: true, force: true });
  mkdirSync(staticDir, { recursive: true });
  mkdirSync(mapsDir, { recursive: true });
  const dist = distDir();

  // The pages first: a script that does not compile stops the build before anything else.
  const pages: Manifest["pages"] = [];
  for (const page of found.pages) {
    const file = `pages/${page.name}.mjs`;
    try {
      await buildScript(page.source, { file: path.join(serverDir, file), arrow: "../dash/arrow.js" });
    } catch (error) {
      if (!(error instanceof BuildError)) throw error;
      const { file: where, line, column, message } = error.info;
      throw new Error(`${where ?? page.source}${line ? `:${line}:${column ?? 1}` : ""}: ${message}`, { cause: error });
    }
    pages.push({ name: page.name, title: page.title, file });
  }
  await bundleRuntime(dist, path.join(serverDir, "dash"));
  const { entries, statics } = await writeStatics(path.join(dist, "client"), staticDir, mapsDir);

  const manifest: Manifest = { format: 1, pages, defaultPage: found.defaultPage, entries, assetUrl: options.assetUrl ?? null };
  writeFileSync(path.join(serverDir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  writeFileSync(path.join(serverDir, "package.json"), '{ "type": "module", "private": true }\n');
  writeFileSync(
    path.join(serverDir, "main.js"),
    `// A dash app built by \`npx dash build\`: node main.js [--port 8501] [--host 0.0.0.0] [--auth …] (the flags of \`npx dash serve\`).
import { fileURLToPath } from "node:url";
if (process.argv[2] !== "serve") process.argv.splice(2, 0, "serve", fileURLToPath(new URL("..", import.meta.url)));
await import("./dash/bin.js");
`,
  );
  const ms = performance.now() - started;
  log(`dash: built ${found.pages.length} page${found.pages.length === 1 ? "" : "s"} into ${displayed(out)}/ in ${Math.round(ms)} ms`);
  return { pages: pages.map((page) => page.name), statics, ms };
}

/** `dist` for a folder under the working directory, else the absolute path. */
function displayed(folder: string): string {
  const relative = path.relative(process.cwd(), folder);
  return relative === "" ? "." : relative.startsWith("..") ? folder : relative;
}

function checkAssetUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--asset-url must be an absolute URL such as https://cdn.example.com/app/ (got ${JSON.stringify(url)}).`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new Error(`--asset-url must be an http(s) URL (got ${JSON.stringify(url)}).`);
}

/** The dash server (bin.js) and the script worker with everything they import, in one folder. */
async function bundleRuntime(dist: string, target: string): Promise<void> {
  await esbuild.build({
    entryPoints: { bin: path.join(dist, "bin.js"), worker: path.join(dist, "worker.js") },
    outdir: target,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: "linked",
    external: notShipped,
    logLevel: "silent",
    banner: { js: requireBanner },
    plugins: [
      {
        // Arrow stays its own file: the pages import the very same one.
        name: "arrow-beside",
        setup(build) {
          build.onResolve({ filter: /^\.\/arrow\.js$/ }, () => ({ path: "./arrow.js", external: true }));
        },
      },
    ],
  });
  copyFileSync(path.join(dist, "arrow.js"), path.join(target, "arrow.js"));
}

const compress = {
  br: promisify(brotliCompress),
  gzip: promisify(gzip),
};

/**
 * The browser client under content-hashed names. The chunks come first, so that the entry's
 * `import("./lazy.js")` can name the chunk's hashed file. Each map is named after its file and
 * goes to `mapsDir`, beside `static/`: kept for debugging, never served (nor uploaded to a CDN).
 */
async function writeStatics(clientDir: string, staticDir: string, mapsDir: string): Promise<{ entries: Manifest["entries"]; statics: BuildReport["statics"] }> {
  const renamed = new Map<string, string>();
  const files: { name: string; body: Buffer }[] = [];
  const hashed = (name: string, body: string | Buffer): string => {
    const ext = path.extname(name);
    return `${name.slice(0, -ext.length)}.${createHash("sha256").update(body).digest("hex").slice(0, 12)}${ext}`;
  };
  for (const name of ["lazy.js", "markdown.js", "client.js"]) {
    let code = readFileSync(path.join(clientDir, name), "utf8").replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n");
    for (const [from, to] of renamed) code = code.split(`"./${from}"`).join(`"./${to}"`);
    const final = hashed(name, code);
    renamed.set(name, final);
    files.push({ name: final, body: Buffer.from(code) });
    const map = JSON.parse(readFileSync(path.join(clientDir, `${name}.map`), "utf8")) as { file?: string };
    map.file = final;
    writeFileSync(path.join(mapsDir, `${final}.map`), JSON.stringify(map));
  }
  const css = await esbuild.transform(readFileSync(path.join(clientDir, "client.css"), "utf8"), { loader: "css", minify: true });
  const cssName = hashed("client.css", css.code);
  files.push({ name: cssName, body: Buffer.from(css.code) });

  const statics: BuildReport["statics"] = [];
  await Promise.all(
    files.map(async ({ name, body }) => {
      // The best brotli for what browsers load (seconds, once per build).
      const [br, gz] = await Promise.all([
        compress.br(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
        compress.gzip(body, { level: 9 }),
      ]);
      writeFileSync(path.join(staticDir, name), body);
      writeFileSync(path.join(staticDir, `${name}.br`), br);
      writeFileSync(path.join(staticDir, `${name}.gz`), gz);
      statics.push({ name, bytes: body.length, br: br.length, gzip: gz.length });
    }),
  );
  statics.sort((a, b) => a.name.localeCompare(b.name));
  return { entries: { js: renamed.get("client.js")!, css: cssName, markdown: renamed.get("markdown.js")! }, statics };
}
