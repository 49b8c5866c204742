/**
 * A session's snapshot as bytes: what a worker hands the main thread after each finished run, what
 * a fresh worker restores from, and what Redis holds for the other replicas. The bytes are V8's
 * structured-clone serialization (`node:v8`), so a snapshot survives exactly what `postMessage`
 * and `structuredClone` keep: plain data, Dates, Maps, Sets, typed arrays — not functions or
 * class instances' methods.
 */
import { deserialize, serialize } from "node:v8";
import type { Snapshot } from "../values.ts";

/** Largest snapshot kept (bytes). Over it, `state` is left out (widget values, query and page stay). */
export const snapshotLimit = 1024 * 1024;

export interface EncodedSnapshot {
  bytes: Uint8Array;
  /** `state` keys left out because structured clone cannot copy their values. */
  uncloneable: string[];
  /** Size of the snapshot with its `state`, when that was over `snapshotLimit` (state left out). */
  oversize?: number;
}

function trySerialize(value: unknown): Uint8Array | null {
  try {
    return serialize(value);
  } catch {
    return null;
  }
}

/** Encode a snapshot; `state` values that cannot be cloned are left out and named. Null if even the widgets are too big. */
export function encodeSnapshot(snapshot: Snapshot, limit = snapshotLimit): EncodedSnapshot | null {
  let bytes = trySerialize(snapshot);
  const uncloneable: string[] = [];
  if (!bytes) {
    const state: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(snapshot.state)) {
      if (trySerialize(value)) state[key] = value;
      else uncloneable.push(key);
    }
    const widgets = snapshot.widgets.filter(([, value]) => trySerialize(value));
    bytes = serialize({ ...snapshot, widgets, state });
  }
  if (bytes.length <= limit) return { bytes, uncloneable };
  const oversize = bytes.length;
  const slim = serialize({ ...snapshot, state: {} });
  return slim.length <= limit ? { bytes: slim, uncloneable, oversize } : null;
}

export function decodeSnapshot(bytes: Uint8Array): Snapshot {
  return deserialize(bytes) as Snapshot;
}

export function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === b.length && Buffer.compare(a, b) === 0;
}

/** What the viewer is told about a snapshot that could not be kept whole. */
export function snapshotWarning(encoded: EncodedSnapshot | null): string | null {
  if (!encoded) return `This session's widget values are over ${snapshotLimit / 1024} KB: they cannot be kept for a reconnect to another server.`;
  const parts: string[] = [];
  if (encoded.uncloneable.length)
    parts.push(
      `dash.state ${encoded.uncloneable.map((key) => JSON.stringify(key)).join(", ")} cannot be kept across reconnects (a function or another value structured clone cannot copy): store plain data there`,
    );
  if (encoded.oversize)
    parts.push(`dash.state is ${Math.round(encoded.oversize / 1024)} KB, over ${snapshotLimit / 1024} KB: it is not kept across reconnects to another server`);
  return parts.length ? `${parts.join("; ")}.` : null;
}
