// `npm run bench`: runs every benchmark in bench/ in sequence and prints what each measured.
// TypeScript benchmarks are bundled on the fly with esbuild (dash's own sources, packages kept
// external); .mjs benchmarks import the built CLI from packages/cli/dist. Build first:
//   node scripts/build.mjs && npm run bench            (or: npm run bench -- rerun browser)
import * as esbuild from "esbuild";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const benchDir = path.join(root, "bench");
const outDir = path.join(benchDir, "out");
const only = process.argv.slice(2);
const files = readdirSync(benchDir)
  .filter((file) => /\.bench\.(ts|mjs)$/.test(file))
  .filter((file) => !only.length || only.some((name) => file.includes(name)))
  .sort();

// Third-party packages stay external (as in scripts/build.mjs); dash's own workspaces are bundled.
const deps = new Set();
for (const pkg of ["runtime", "widgets", "cli"]) {
  const json = JSON.parse(readFileSync(path.join(root, "packages", pkg, "package.json"), "utf8"));
  for (const name of Object.keys(json.dependencies ?? {})) if (!name.startsWith("@dash/")) deps.add(name);
}
const external = [...deps, "playwright-core", "ws", "oidc-provider"].flatMap((name) => [name, `${name}/*`]);

mkdirSync(outDir, { recursive: true });
console.log(`dash benchmarks · ${new Date().toISOString()} · Node ${process.version} · ${(await import("node:os")).cpus().length} cores\n`);
let failed = 0;
for (const file of files) {
  let entry = path.join(benchDir, file);
  if (file.endsWith(".ts")) {
    const outfile = path.join(outDir, file.replace(/\.ts$/, ".mjs"));
    await esbuild.build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      external,
      logLevel: "warning",
      banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
    });
    entry = outfile;
  }
  console.log(`── ${file} ──`);
  const result = spawnSync(process.execPath, ["--expose-gc", entry], { stdio: "inherit", cwd: root });
  if (result.status !== 0) failed++;
  console.log("");
}
if (failed) {
  console.error(`${failed} benchmark file(s) failed.`);
  process.exit(1);
}
