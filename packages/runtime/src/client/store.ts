/**
 * The page as the browser holds it: id → node, patched in place, with a subscription per node
 * so that a patch re-renders only the nodes it touched.
 */
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

  /** Apply a patch; returns false when it does not fit our version (then ask for a full state). */
  apply(base: number, version: number, patch: Patch): boolean {
    if (base !== this.version) return false;
    const touched = new Set<number>();
    for (const [key, node] of Object.entries(patch.nodes ?? {})) {
      const id = Number(key);
      this.nodes.set(id, node);
      touched.add(id);
    }
    for (const [key, props] of Object.entries(patch.props ?? {})) {
      const id = Number(key);
      const node = this.nodes.get(id);
      if (!node) return false;
      const next = { ...node.props };
      for (const [name, value] of Object.entries(props)) {
        if (value === null) delete next[name];
        else next[name] = value;
      }
      this.nodes.set(id, { ...node, props: next });
      touched.add(id);
    }
    for (const [key, children] of Object.entries(patch.children ?? {})) {
      const id = Number(key);
      const node = this.nodes.get(id);
      if (!node) return false;
      this.nodes.set(id, { ...node, children });
      touched.add(id);
    }
    for (const hash of patch.release ?? []) {
      this.data.delete(hash);
      this.decoded.delete(hash);
    }
    this.version = version;
    this.fresh.clear();
    if (patch.children) this.prune();
    for (const id of touched) this.notify(id);
    return true;
  }

  /** Drop nodes that are no longer reachable from the root. */
  private prune(): void {
    const reachable = new Set<number>();
    const stack = [0];
    while (stack.length) {
      const id = stack.pop()!;
      if (reachable.has(id)) continue;
      reachable.add(id);
      for (const child of this.nodes.get(id)?.children ?? []) stack.push(child);
    }
    for (const id of [...this.nodes.keys()]) if (!reachable.has(id)) this.nodes.delete(id);
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
