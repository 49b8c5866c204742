// Builds the dash CLI, worker and author API (Node) and the browser client into packages/cli/dist.
// Runs on `npm install` (the root `prepare` script) and `npm run build`; takes well under a second.
import * as esbuild from "esbuild";
import { readFileSync, rmSync, mkdirSync, copyFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const dist = path.join(root, "packages/cli/dist");
const deps = new Set();
for (const pkg of ["runtime", "widgets", "cli"]) {
  const json = JSON.parse(readFileSync(path.join(root, "packages", pkg, "package.json"), "utf8"));
  for (const name of Object.keys(json.dependencies ?? {})) if (!name.startsWith("@dash/")) deps.add(name);
}
// DuckDB (a native module, a dev dependency) is only loaded by the local BigQuery server.
// Arrow is bundled on its own into dist/arrow.js, which every other dist file imports: it loads
// much faster as one file than as its hundreds of modules (on the path to the first page). It is
// not part of the split build, whose chunk order breaks Arrow's circular imports.
const external = [...deps, "@duckdb/node-api"].filter((name) => name !== "apache-arrow").flatMap((name) => [name, `${name}/*`]);

rmSync(dist, { recursive: true, force: true });
mkdirSync(path.join(dist, "client"), { recursive: true });

/** `apache-arrow` in dash's Node code is the one bundled file next to it. */
const bundledArrow = {
  name: "bundled-arrow",
  setup(build) {
    build.onResolve({ filter: /^apache-arrow$/ }, () => ({ path: "./arrow.js", external: true }));
  },
};

/**
 * `import("./lazy.ts")` in the client becomes a request for the separately built lazy.js, and
 * `import("./markdownChunk.ts")` one for markdown.js.
 */
const chunks = { "lazy.ts": "./lazy.js", "markdownChunk.ts": "./markdown.js" };
const lazyChunk = {
  name: "lazy-chunk",
  setup(build) {
    build.onResolve({ filter: /\/(lazy|markdownChunk)\.ts$/ }, (args) =>
      args.kind === "dynamic-import" ? { path: chunks[path.basename(args.path)], external: true } : undefined,
    );
  },
};

const started = performance.now();
await Promise.all([
  esbuild.build({
    entryPoints: {
      bin: "packages/cli/src/bin.ts",
      worker: "packages/cli/src/worker.ts",
      index: "packages/cli/src/index.ts",
      testing: "packages/cli/src/testing.ts",
      "app-entry": "packages/cli/src/app.ts",
      // The local GCS and BigQuery servers, for offline examples and benchmarks (plain .mjs).
      local: "packages/cli/src/local.ts",
      typecheck: "packages/cli/src/typecheck.ts",
    },
    absWorkingDir: root,
    outdir: dist,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: "linked",
    external,
    plugins: [bundledArrow],
    logLevel: "warning",
    banner: { js: "import { createRequire as __dashRequire } from 'node:module'; const require = __dashRequire(import.meta.url);" },
  }),
  esbuild.build({
    entryPoints: ["packages/cli/src/arrow.ts"],
    absWorkingDir: root,
    outfile: path.join(dist, "arrow.js"),
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "warning",
  }),
  // The browser client: client.js, with no static chunks (one request before the WebSocket
  // opens); Arrow and Observable Plot are a separate lazy.js, imported on first table or chart;
  // the markdown renderer is markdown.js, imported once the page has said hello.
  ...[
    { entry: "packages/cli/src/client.ts", out: "client.js", lazy: true },
    { entry: "packages/widgets/src/client/lazy.ts", out: "lazy.js", lazy: false },
    { entry: "packages/widgets/src/client/markdownChunk.ts", out: "markdown.js", lazy: false },
  ].map(({ entry, out, lazy }) =>
    esbuild.build({
      entryPoints: [entry],
      absWorkingDir: root,
      outfile: path.join(dist, "client", out),
      bundle: true,
      minify: !process.env.DASH_NO_MINIFY,
      format: "esm",
      platform: "browser",
      target: ["chrome110", "firefox110", "safari16"],
      sourcemap: "linked",
      jsx: "automatic",
      jsxImportSource: "preact",
      logLevel: "warning",
      plugins: lazy ? [lazyChunk] : [],
    }),
  ),
]);
copyFileSync(path.join(root, "packages/runtime/src/client/theme.css"), path.join(dist, "client/client.css"));
console.log(`dash built in ${Math.round(performance.now() - started)} ms → ${path.relative(root, dist)}`);
