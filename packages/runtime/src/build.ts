/**
 * Turns an author's `app.ts` into a module whose default export runs the script once.
 *
 * The entry file's static imports stay at module level (so local modules and packages are
 * evaluated once per build), and everything else becomes the body of an async function that each
 * run calls. Local files are bundled with inline source maps, so stacks name the author's lines.
 * Packages stay external, imported by absolute path (so `apache-arrow` is the same module for the
 * author and for dash), and `"dash"` always resolves to the running dash itself.
 */
import * as esbuild from "esbuild";
import { init, parse } from "es-module-lexer";
import { existsSync, rmSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ErrorInfo } from "./protocol.ts";

export interface BuildResult {
  /** Absolute path of the bundled module. */
  file: string;
  /** Local files the bundle was built from (what to watch). */
  inputs: string[];
  ms: number;
}

export class BuildError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
  }
}

/** dist/arrow.js when this code runs from the built dash (it bundles Arrow); else node_modules' Arrow. */
const bundledArrow = ((): string | null => {
  const url = new URL("./arrow.js", import.meta.url);
  return url.protocol === "file:" && existsSync(fileURLToPath(url)) && !import.meta.url.endsWith(".ts") ? url.href : null;
})();

const outDir = path.join(tmpdir(), `dash-build-${process.pid}`);
// Bundles are only needed while this process runs.
process.once("exit", () => rmSync(outDir, { recursive: true, force: true }));
let buildCount = 0;
const entryNamespace = "dash-entry";

/**
 * For `dash build`: a bundle that runs on another machine. Packages are bundled in (not imported
 * from this machine's node_modules), and `apache-arrow` is imported from `arrow` (the built
 * server's own Arrow, relative to `file`).
 */
export interface PortableBuild {
  /** Where the bundle goes. */
  file: string;
  /** The import specifier of the server's Arrow, e.g. `../dash/arrow.js`. */
  arrow: string;
}

/** Bundle a script. Throws `BuildError` with file and line on a syntax error. */
export async function buildScript(entry: string, portable?: PortableBuild): Promise<BuildResult> {
  const started = performance.now();
  const absolute = path.resolve(entry);
  await init;
  // The bundle's own path, given to esbuild so that the inline source map's `sources` are relative
  // to where the bundle is written (stacks then name the author's real files, not temp paths).
  const file = portable?.file ?? path.join(outDir, `${path.basename(absolute).replace(/\W/g, "_")}-${++buildCount}.mjs`);
  let result: esbuild.BuildResult<{ metafile: true; write: false }>;
  try {
    result = await esbuild.build({
      entryPoints: [absolute],
      outfile: file,
      bundle: true,
      write: false,
      format: "esm",
      platform: "node",
      target: "node20",
      sourcemap: "inline",
      sourcesContent: true,
      metafile: true,
      logLevel: "silent",
      plugins: [scriptPlugin(absolute, portable?.arrow)],
      // Bundled CommonJS packages call require(): give them Node's.
      ...(portable ? { banner: { js: "import { createRequire as __dashRequire } from 'node:module'; const require = __dashRequire(import.meta.url);" } } : {}),
    });
  } catch (error) {
    throw new BuildError(buildErrorInfo(error));
  }
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, result.outputFiles[0]!.contents);
  const inputs = Object.keys(result.metafile.inputs)
    .filter((input) => !input.startsWith(entryNamespace) && !input.includes("node_modules"))
    .map((input) => path.resolve(input.replace(/^[\w-]+:/, "")));
  if (!inputs.includes(absolute)) inputs.push(absolute);
  return { file, inputs, ms: performance.now() - started };
}

function buildErrorInfo(error: unknown): ErrorInfo {
  const failure = error as { errors?: esbuild.Message[] };
  const first = failure.errors?.[0];
  if (!first) return { message: error instanceof Error ? error.message : String(error), name: "BuildError" };
  const location = first.location;
  const info: ErrorInfo = { name: "SyntaxError", message: first.text };
  if (location) {
    info.file = location.file;
    info.line = location.line;
    info.column = location.column + 1;
    info.frame = `${location.line} | ${location.lineText}\n${" ".repeat(String(location.line).length)} | ${" ".repeat(location.column)}^`;
  }
  return info;
}

/** `portableArrow`: bundle packages in, and import Arrow from there (see `PortableBuild`). */
function scriptPlugin(entry: string, portableArrow?: string): esbuild.Plugin {
  return {
    name: "dash-script",
    setup(build) {
      // "dash" is the running dash: a tiny module that hands over the API object.
      build.onResolve({ filter: /^dash$/ }, () => ({ path: "dash", namespace: "dash-api" }));
      build.onLoad({ filter: /.*/, namespace: "dash-api" }, () => ({
        contents: "module.exports = globalThis.__dashApi;",
        loader: "js",
      }));
      // Packages stay external, imported by absolute path resolved from the importing file.
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === "inner" || args.path.startsWith("node:")) return undefined;
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        if (portableArrow) return args.path === "apache-arrow" ? { path: portableArrow, external: true } : undefined;
        // Built dash bundles Arrow: scripts must use that same Arrow (one Table class).
        if (args.path === "apache-arrow" && bundledArrow) return { path: bundledArrow, external: true };
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: "inner",
        });
        if (resolved.errors.length) return { errors: resolved.errors };
        return { path: pathToFileURL(resolved.path).href, external: true };
      });
      // Local TS/JS files: `import.meta.url` means the source file, not the bundle.
      build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = await readFile(args.path, "utf8");
        const loader = loaderFor(args.path);
        const withMeta = rewriteImportMeta(source, args.path);
        if (args.path !== entry) return { contents: withMeta, loader };
        try {
          return { contents: await wrapEntry(withMeta, args.path, loader), loader: "js", resolveDir: path.dirname(args.path) };
        } catch (error) {
          // A syntax error in the entry: report esbuild's own messages, with file and line.
          const failure = error as { errors?: esbuild.PartialMessage[] };
          if (failure.errors) return { errors: failure.errors.map(({ text, location }) => ({ text, location })) };
          throw error;
        }
      });
    },
  };
}

import { builtinModules } from "node:module";
const builtins = new Set(builtinModules);
function isBuiltin(specifier: string): boolean {
  return builtins.has(specifier) || builtins.has(specifier.split("/")[0]!);
}

function loaderFor(file: string): esbuild.Loader {
  if (file.endsWith(".tsx")) return "tsx";
  if (file.endsWith(".jsx")) return "jsx";
  if (/\.[cm]?ts$/.test(file)) return "ts";
  return "js";
}

function rewriteImportMeta(source: string, file: string): string {
  if (!source.includes("import.meta")) return source;
  const url = JSON.stringify(pathToFileURL(file).href);
  return source
    .replace(/\bimport\.meta\.url\b/g, url)
    .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(file))
    .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(path.dirname(file)));
}

/**
 * The entry file as a module: its imports at the top, its body inside `export default async
 * function`. Line numbers are preserved (imports are blanked in place), and the transform's source
 * map carries the mapping back to the author's TypeScript.
 */
async function wrapEntry(source: string, file: string, loader: esbuild.Loader): Promise<string> {
  const transformed = await esbuild.transform(source, {
    loader,
    format: "esm",
    target: "node20",
    sourcemap: "inline",
    sourcefile: file,
    sourcesContent: true,
  });
  const code = transformed.code;
  const [imports, exports] = parse(code);
  const chars = code.split("");
  const hoisted: string[] = [];
  for (const spec of imports) {
    if (spec.d !== -1) continue; // dynamic import() and import.meta stay where they are
    hoisted.push(code.slice(spec.ss, spec.se));
    for (let i = spec.ss; i < spec.se; i++) if (chars[i] !== "\n") chars[i] = " ";
  }
  // `export` keywords make no sense inside a function: drop them (the script is not a library).
  for (const spec of exports) {
    const start = code.lastIndexOf("export", spec.s);
    if (start >= 0 && code.slice(start, start + 6) === "export") for (let i = start; i < start + 6; i++) chars[i] = " ";
  }
  let body = chars.join("");
  const mapAt = body.lastIndexOf("//# sourceMappingURL=");
  const map = mapAt >= 0 ? body.slice(mapAt) : "";
  if (mapAt >= 0) body = body.slice(0, mapAt);
  body = body.replace(/^\s*export\s*\{[^}]*\};?\s*$/gm, (m) => " ".repeat(m.length));
  return `${hoisted.join(";")};export default async function __dashScript() {${body}\n}\n${map}`;
}
