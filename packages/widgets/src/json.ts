import type { Json } from "@dash/runtime/protocol.ts";
import { scopeOf } from "@dash/runtime/scope.ts";

/** Any value as JSON: BigInt and Dates as strings, Maps and Sets as objects and arrays. */
export function toJson(value: unknown, seen = new Set<unknown>()): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "function" || typeof value === "symbol") return `[${typeof value}]`;
  if (value instanceof Date) return value.toISOString();
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  try {
    if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toJson(v, seen)]));
    if (value instanceof Set || Array.isArray(value)) return [...value].map((v) => toJson(v, seen));
    if (ArrayBuffer.isView(value)) return `[${value.constructor.name} of ${value.byteLength} bytes]`;
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJson(v, seen);
    return out;
  } finally {
    seen.delete(value);
  }
}

/** A value as a collapsible, pretty-printed JSON tree. */
export function json(this: unknown, value: unknown, options: { expanded?: boolean } = {}): void {
  scopeOf(this).add("json", { value: toJson(value), expanded: options.expanded ?? true });
}
