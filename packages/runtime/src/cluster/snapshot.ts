/**
 * A session's snapshot, in one place: what it holds, how a worker takes it after each finished
 * run, encodes it, sends it on only when it changed and warns about what it could not keep, and
 * whom it belongs to. The bytes go to the process's snapshot store (`snapshots.ts`), from which a
 * replaced worker's sessions reopen and, with Redis, a browser that moved to another replica
 * resumes; shared runs compare them (`shared-runs.ts`).
 *
 * The bytes are V8's structured-clone serialization (`node:v8`), so a snapshot survives exactly
 * what `postMessage` and `structuredClone` keep: plain data, Dates, Maps, Sets, typed arrays — not
 * functions or class instances' methods.
 */
import { deserialize, serialize } from "node:v8";
import type { User } from "../auth/common.ts";

/** The part of a session that survives a move to another worker or replica. */
export interface Snapshot {
  widgets: [string, unknown][];
  state: Record<string, unknown>;
  query: Record<string, string>;
  page: string;
}

/** Largest snapshot kept (bytes). Over it, `state` is left out (widget values, query and page stay). */
export const snapshotLimit = 1024 * 1024;

/** Take a session's snapshot from its values (values.ts) and page. */
export function takeSnapshot(
  values: { widgets: ReadonlyMap<string, unknown>; state: Record<string, unknown>; query: Record<string, string> },
  page: string,
): Snapshot {
  return { widgets: [...values.widgets], state: values.state, query: values.query, page };
}

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
  return a === b || (a !== undefined && a.length === b.length && Buffer.compare(a, b) === 0);
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

/** Whom a snapshot belongs to (the store keeps it with its bytes): the signed-in user's stable id and email, "" without sign-in. */
export function userKey(user: User | null): string {
  return user ? `${user.sub}\n${user.email.toLowerCase()}` : "";
}

/** Where a worker's snapshots go. */
export interface SnapshotOut {
  /** The session's snapshot changed: these bytes go to the main thread's store. */
  changed(sid: string, bytes: Uint8Array): void;
  /** Tell the session's viewer what its snapshot could not keep (each warning once). */
  warn(sid: string, message: string): void;
}

/**
 * A worker's side: the last bytes of each of its sessions. Only a changed snapshot leaves the
 * worker, so a rerun that changes nothing costs no message and no Redis write.
 */
export class WorkerSnapshots {
  private readonly last = new Map<string, Uint8Array>();
  /** The last warning per session; a session warned about once never shares a run (its bytes are not all of it). */
  private readonly warned = new Map<string, string>();

  constructor(private readonly out: SnapshotOut) {}

  /** After a finished run: encode, warn, send on if changed. False if nothing could be kept (the widget values alone are too big). */
  take(sid: string, snapshot: Snapshot): boolean {
    const encoded = encodeSnapshot(snapshot);
    const warning = snapshotWarning(encoded);
    if (warning && this.warned.get(sid) !== warning) this.out.warn(sid, warning);
    if (warning) this.warned.set(sid, warning);
    if (!encoded) return false;
    this.keep(sid, encoded.bytes);
    return true;
  }

  /** These bytes are the session's now (it adopted a shared run that left them): sent on if they changed. */
  keep(sid: string, bytes: Uint8Array): void {
    const last = this.last.get(sid);
    // Kept even when equal: the sessions of a group then hold one buffer, and compare as one object.
    this.last.set(sid, bytes);
    if (!sameBytes(last, bytes)) this.out.changed(sid, bytes);
  }

  /** A session opened from these bytes (the store has them already): decoded for the session. */
  restore(sid: string, bytes: Uint8Array): Snapshot {
    this.last.set(sid, bytes);
    return decodeSnapshot(bytes);
  }

  /** The session's last bytes, if they describe it fully (nothing was left out): what shared runs compare. */
  whole(sid: string): Uint8Array | undefined {
    return this.warned.has(sid) ? undefined : this.last.get(sid);
  }

  forget(sid: string): void {
    this.last.delete(sid);
    this.warned.delete(sid);
  }
}
