import { describeError } from "@dash/runtime/errors.ts";
import type { Props } from "@dash/runtime/protocol.ts";
import { scopeOf } from "@dash/runtime/scope.ts";

/** An error with its message and the stack of your own code. */
export function exception(this: unknown, err: unknown): void {
  scopeOf(this).add("exception", { ...describeError(err) } as Props);
}
