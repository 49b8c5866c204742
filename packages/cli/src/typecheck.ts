/**
 * Type checking on save, off the main thread. `dash run` builds with esbuild (which only strips
 * types), then asks this worker to check the same files with TypeScript; errors are shown in the
 * page with file and line, while the script keeps running (as in Vite).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parentPort } from "node:worker_threads";
import ts from "typescript";
import type { ErrorInfo } from "@dash/runtime/protocol.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
/** The `dash` API's own sources, so `import * as dash from "dash"` is checked against them. */
const dashTypes = path.resolve(here, "../src/index.ts");

const options: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowImportingTsExtensions: true,
  skipLibCheck: true,
  resolveJsonModule: true,
  types: ["node"],
  lib: ["lib.es2023.d.ts"],
  paths: { dash: [dashTypes] },
};

let previous: ts.Program | undefined;

/** Type errors in the author's files (not in dash's own sources or packages). */
export function check(files: string[]): ErrorInfo[] {
  const program = ts.createProgram({ rootNames: files, options, oldProgram: previous });
  previous = program;
  const authorFiles = new Set(files.map((file) => path.resolve(file)));
  const errors: ErrorInfo[] = [];
  // Only the author's files are checked (dash's own sources and packages are checked by dash's CI).
  const diagnostics = program
    .getSourceFiles()
    .filter((source) => authorFiles.has(path.resolve(source.fileName)))
    .flatMap((source) => [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]);
  for (const diagnostic of diagnostics) {
    if (diagnostic.category !== ts.DiagnosticCategory.Error || !diagnostic.file) continue;
    const file = path.resolve(diagnostic.file.fileName);
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    const lineText = diagnostic.file.text.split("\n")[line] ?? "";
    errors.push({
      name: "TypeError",
      message: ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"),
      file,
      line: line + 1,
      column: character + 1,
      frame: `${line + 1} | ${lineText}\n${" ".repeat(String(line + 1).length)} | ${" ".repeat(character)}^`,
    });
  }
  return errors;
}

parentPort?.on("message", (message: { id: number; files: string[] }) => {
  try {
    parentPort!.postMessage({ id: message.id, errors: check(message.files) });
  } catch (error) {
    parentPort!.postMessage({ id: message.id, errors: [], failure: String(error) });
  }
});
