/**
 * The page as the browser holds it: id → node, patched in place (by `patch.ts`, as `dash/testing`
 * does), with a subscription per node so that a patch re-renders only the nodes it touched.
 */
import { applyPatch, PatchMismatch } from "../patch.ts";
import type { Patch, WireNode } from "../protocol.ts";

export class Store {
  nodes = new Map<number, WireNode>();
  version = 0;
  private listeners = new Map<number, Set<() => void>>();
  private data = new Map<string, Uint8Array>();
  private decoded = new Map<string, unknown>();
  /** Blobs that arrived since the last patch: on a whole new page, the ones it comes with. */
  private fresh = new Set<string>();
  private dataListeners = new Set<(hash: string) => void>();

  subscribe(id: number, listener: () => void): () => void {
    let set = this.listeners.get(id);
    if (!set) this.listeners.set(id, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  private notify(id: number): void {
    for (const listener of this.listeners.get(id) ?? []) listener();
  }

  /** Replace everything (hello / full / resync). */
  reset(version: number, nodes: Record<number, WireNode>): void {
    this.nodes = new Map(Object.entries(nodes).map(([id, node]) => [Number(id), node]));
    this.version = version;
    // The server sends a whole page's data again (just before it, or right after for big
    // tables): what this page held before is dropped.
    for (const hash of [...this.data.keys()]) {
      if (this.fresh.has(hash)) continue;
      this.data.delete(hash);
      this.decoded.delete(hash);
    }
    this.fresh.clear();
    for (const id of this.listeners.keys()) this.notify(id);
  }

  /** Apply a patch; returns false when it does not fit our version or our page (then ask for a full state). */
  apply(base: number, version: number, patch: Patch): boolean {
    if (base !== this.version) return false;
    let touched: Set<number>;
    try {
      touched = applyPatch(this.nodes, patch);
    } catch (error) {
      if (error instanceof PatchMismatch) return false;
      throw error;
    }
    for (const hash of patch.release ?? []) {
      this.data.delete(hash);
      this.decoded.delete(hash);
    }
    this.version = version;
    this.fresh.clear();
    for (const id of touched) this.notify(id);
    return true;
  }

  setData(hash: string, bytes: Uint8Array): void {
    this.data.set(hash, bytes);
    this.fresh.add(hash);
    this.decoded.delete(hash);
    for (const listener of this.dataListeners) listener(hash);
  }

  bytes(hash: string): Uint8Array | undefined {
    return this.data.get(hash);
  }

  /** Decode a blob once (e.g. Arrow IPC → Table) and keep the result. */
  decode<T>(hash: string, decoder: (bytes: Uint8Array) => T): T | undefined {
    if (this.decoded.has(hash)) return this.decoded.get(hash) as T;
    const bytes = this.data.get(hash);
    if (!bytes) return undefined;
    const value = decoder(bytes);
    this.decoded.set(hash, value);
    return value;
  }

  /** Call `listener` with the hash of each data blob that arrives. */
  onData(listener: (hash: string) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }
}
