/**
 * How renderers reach the lazy data chunk and the tables the server sent: load the chunk once,
 * decode each blob once (the store keeps the result), and re-render when a blob arrives.
 */
import { useEffect, useReducer } from "preact/hooks";
import type { Json } from "@dash/runtime/protocol.ts";
import type { Store } from "@dash/runtime/client/store.ts";
import { useDash } from "@dash/runtime/client/context.ts";
import { lazyImport } from "./lazyImport.ts";

export type DataChunk = typeof import("./lazy.ts");

/** The data chunk, once loaded (re-renders when it arrives). */
export const useChunk = lazyImport(() => import("./lazy.ts")).use;

/**
 * Re-render when one of the blobs this element is still `waiting` for arrives. (A rerun's blobs
 * arrive just before the patch that points at them: elements showing other data are not touched.)
 */
export function useDataArrivals(waiting: readonly string[]): void {
  const { store } = useDash();
  const [, bump] = useReducer((n: number, _: void) => n + 1, 0);
  const key = waiting.join(" ");
  useEffect(() => {
    if (!key) return;
    const stop = store.onData((hash) => waiting.includes(hash) && bump());
    if (waiting.some((hash) => store.bytes(hash) !== undefined)) bump(); // arrived before we listened
    return stop;
  }, [store, key]);
}

/** The decoded table behind a `{ $data }` reference, or `undefined` while it has not arrived. */
export function tableOf(store: Store, chunk: DataChunk, ref: Json | undefined): import("apache-arrow").Table | undefined {
  const hash = ref && typeof ref === "object" && !Array.isArray(ref) ? ref.$data : undefined;
  if (typeof hash !== "string") return undefined;
  return store.decode(hash, chunk.decodeTable);
}

export function hashOf(ref: Json | undefined): string | undefined {
  const hash = ref && typeof ref === "object" && !Array.isArray(ref) ? ref.$data : undefined;
  return typeof hash === "string" ? hash : undefined;
}
