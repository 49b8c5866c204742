/**
 * Errors as the viewer sees them: the message, and a stack reduced to the author's own frames.
 * Scripts are bundled with inline source maps and run with source maps enabled, so V8's stack
 * already names the author's `.ts` files and lines; here we drop dash's and Node's frames.
 */
import { homedir } from "node:os";
import path from "node:path";
import type { ErrorInfo } from "./protocol.ts";

/** Path fragments of frames that are not the author's (`/server/dash/`: dash inside a `dash build` output). */
const internal = ["node:", "/node_modules/", "/packages/runtime/", "/packages/widgets/", "/packages/cli/", "/server/dash/", "<anonymous>"];

function isAuthorFrame(line: string): boolean {
  return /^\s+at /.test(line) && !internal.some((part) => line.includes(part));
}

const frameLocation = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):(\d+)\)?\s*$/;

/** Production (`dash serve`): the folder that paths are shown relative to; null in development. */
let shownFrom: string | null = null;

/**
 * Production: errors shown to viewers name no absolute server path (where the app is installed,
 * whose home it runs in). A path in the app's folder reads relative to it (`app.ts:4`), another
 * file by its name; the server's log keeps whatever it logs. Development keeps full paths.
 */
export function hidePaths(appFolder: string | null): void {
  shownFrom = appFolder && path.resolve(appFolder);
}

/** The file a frame or a message names, as a viewer may see it. */
function shownPath(file: string): string {
  const bare = file.replace(/^file:\/\//, "");
  if (!shownFrom || !path.isAbsolute(bare)) return bare;
  const relative = path.relative(shownFrom, bare);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : path.basename(bare);
}

/** A message or stack with the server's own folders taken out (production only). */
function hideIn(text: string): string {
  if (!shownFrom) return text;
  // Frame locations: `(/srv/app/app.ts:4:26)` or `at /srv/app/app.ts:4:26`.
  let out = text.replace(/(?<=\(|at )(?:file:\/\/)?(\/[^\s():]+)(?=:\d+)/g, (file) => shownPath(file));
  // Known folders anywhere else (`open '/srv/app/data.csv'`), longest first.
  const folders = [shownFrom, process.cwd(), homedir()].filter((folder) => folder.length > 1).sort((a, b) => b.length - a.length);
  for (const folder of folders) out = out.split(`file://${folder}/`).join("").split(`${folder}/`).join("").split(folder).join(".");
  return out;
}

/** Turn anything thrown into what the page shows. */
export function describeError(error: unknown): ErrorInfo {
  if (!(error instanceof Error)) return { message: hideIn(String(error)), name: "Error" };
  const lines = (error.stack ?? "").split("\n");
  const frames = lines.filter(isAuthorFrame).map((line) => hideIn(line.trim()));
  const info: ErrorInfo = { message: hideIn(error.message), name: error.name };
  if (frames.length) {
    info.stack = frames.join("\n");
    const match = frameLocation.exec(frames[0]!);
    if (match) {
      info.file = shownPath(match[1]!);
      info.line = Number(match[2]);
      info.column = Number(match[3]);
    }
  }
  return info;
}

/** `file:line` of the author's code that created `site` (a `new Error()` taken at the call). */
export function callSite(site: Error): string {
  const frame = (site.stack ?? "").split("\n").find(isAuthorFrame);
  const match = frame ? frameLocation.exec(frame) : null;
  if (!match) return "an unknown place";
  return `${shownPath(match[1]!)}:${match[2]}`;
}
