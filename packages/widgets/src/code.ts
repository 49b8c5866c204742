import { scopeOf } from "@dash/runtime/scope.ts";

export interface CodeOptions {
  /** For the label and highlighting hints, e.g. `"sql"`, `"ts"`. */
  language?: string;
  lineNumbers?: boolean;
}

/** A block of code with a copy button. */
export function code(this: unknown, source: string, options: CodeOptions = {}): void {
  scopeOf(this).add("code", { source: String(source), language: options.language ?? "", lineNumbers: options.lineNumbers ?? false });
}
