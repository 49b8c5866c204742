/**
 * Container handles: what `dash.columns()`, `dash.tabs()`, `dash.sidebar` and friends return.
 * A handle carries every element, widget and layout function of `dash`, writing into its container.
 */
import { scopeKey, type Scope } from "@dash/runtime/scope.ts";
import type { Container } from "./index.ts";

let proto: object = {};

/** Called once by the package index with the full set of element functions. */
export function setHandleFunctions(functions: object): void {
  proto = functions;
}

export function handle(target: Scope | (() => Scope), extra: object = {}): Container {
  const result = Object.create(proto) as Container;
  Object.defineProperty(result, scopeKey, { value: target });
  return Object.assign(result, extra);
}
