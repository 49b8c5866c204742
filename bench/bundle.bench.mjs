/**
 * (g) The browser client as a viewer downloads it for a first paint: the entry, the chunks it
 * imports statically and markdown.js (imported on every page as it connects), minified (as built)
 * and gzipped. Chunks loaded with `import()` only when a chart or table appears (Observable Plot,
 * Arrow) are listed separately and not counted.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { line, root } from "./lib/stats.mjs";

const dir = path.join(root, "packages/cli/dist/client");
const gz = (file) => gzipSync(readFileSync(path.join(dir, file)), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const eager = new Set();
const visit = (file) => {
  if (eager.has(file)) return;
  eager.add(file);
  const code = readFileSync(path.join(dir, file), "utf8");
  for (const match of code.matchAll(/(?:from|import)\s*"\.\/([\w.-]+\.js)"/g)) visit(match[1]);
};
visit("client.js");
visit("markdown.js");
const all = readdirSync(dir).filter((file) => file.endsWith(".js"));
const lazy = all.filter((file) => !eager.has(file));
let total = 0;
for (const file of eager) total += gz(file);
const raw = [...eager].reduce((sum, file) => sum + readFileSync(path.join(dir, file)).length, 0);
line("(g) client JS loaded for first paint, minified + gzip", `${kb(total)} (${kb(raw)} minified; ${[...eager].join(", ")})`, total <= 60 * 1024);
line("    client.css, gzip", kb(gz("client.css")));
for (const file of lazy) line(`    lazy chunk ${file} (not counted), gzip`, kb(gz(file)));
