/**
 * Errors as the viewer sees them: the message, and a stack reduced to the author's own frames.
 * Scripts are bundled with inline source maps and run with source maps enabled, so V8's stack
 * already names the author's `.ts` files and lines; here we drop dash's and Node's frames.
 */
import type { ErrorInfo } from "./protocol.ts";

/** Path fragments of frames that are not the author's. */
const internal = ["node:", "/node_modules/", "/packages/runtime/", "/packages/widgets/", "/packages/cli/", "<anonymous>"];

function isAuthorFrame(line: string): boolean {
  return /^\s+at /.test(line) && !internal.some((part) => line.includes(part));
}

const frameLocation = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):(\d+)\)?\s*$/;

/** Turn anything thrown into what the page shows. */
export function describeError(error: unknown): ErrorInfo {
  if (!(error instanceof Error)) return { message: String(error), name: "Error" };
  const lines = (error.stack ?? "").split("\n");
  const frames = lines.filter(isAuthorFrame).map((line) => line.trim());
  const info: ErrorInfo = { message: error.message, name: error.name };
  if (frames.length) {
    info.stack = frames.join("\n");
    const match = frameLocation.exec(frames[0]!);
    if (match) {
      info.file = match[1]!.replace(/^file:\/\//, "");
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
  return `${match[1]!.replace(/^file:\/\//, "")}:${match[2]}`;
}
