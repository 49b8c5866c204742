/**
 * The wire protocol between the dash server and the browser: the one place both sides import.
 *
 * Server → browser: JSON text frames (`ServerMessage`) plus binary frames that carry bulk data
 * (Arrow IPC) addressed by content hash. Browser → server: JSON text frames (`ClientMessage`)
 * plus binary frames for file uploads. Everything the browser sends is validated at the server's
 * edge (`validate.ts`), because the browser is untrusted.
 *
 * The page is a tree of nodes addressed by small integer ids. A patch says which page version it
 * applies to (`base`) and which version it produces (`version`); a client whose version differs
 * asks for a full state (`resync`) instead of guessing.
 */
/** A JSON-safe property value. Data tables are referenced as `{ $data: hash }`. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Props = { [key: string]: Json };

/** One node of the page as it travels: its kind, its props, and (for containers) child ids. */
export interface WireNode {
  type: string;
  props: Props;
  children?: number[];
}

/** A change to the page: new or replaced nodes, changed props, changed child lists. */
export interface Patch {
  /** Nodes the browser does not have yet, or whose type changed: full content. */
  nodes?: Record<number, WireNode>;
  /** Props that changed on nodes the browser has; `null` deletes a prop. */
  props?: Record<number, Props>;
  /** New child lists of containers the browser has. */
  children?: Record<number, number[]>;
  /** Data blobs (by hash) the page no longer uses: the browser may drop them. */
  release?: string[];
}

export type RunStatus = "running" | "idle" | "error";

export type ServerMessage =
  | { t: "hello"; session: string; resumed: boolean; pages: PageInfo[]; page?: string; account?: Account }
  | { t: "patch"; base: number; version: number; patch: Patch }
  | { t: "full"; version: number; root: number; nodes: Record<number, WireNode> }
  | { t: "status"; status: RunStatus; ms?: number }
  | { t: "query"; query: Record<string, string> }
  | { t: "toast"; message: string; icon?: string }
  | { t: "buildError"; error: ErrorInfo | null }
  | { t: "scriptError"; error: ErrorInfo }
  | { t: "typeError"; errors: ErrorInfo[] }
  | { t: "warning"; message: string }
  | { t: "uploadError"; id: string; message: string }
  | { t: "pong"; at: number };

export interface PageInfo {
  name: string;
  title: string;
  icon?: string;
  path: string;
}

/** The signed-in viewer, for the page's menu; `signOut` is where "Sign out" goes. */
export interface Account {
  name: string;
  email: string;
  signOut?: string;
}

/** An error as the viewer sees it: message, the author's file and line, and a mapped stack. */
export interface ErrorInfo {
  message: string;
  name?: string;
  file?: string;
  line?: number;
  column?: number;
  stack?: string;
  frame?: string;
}

/** What the browser sends. Validated at the server's edge by `validate.ts`. */
export type ClientMessage =
  | {
      t: "hello";
      /** The session to resume, if the browser had one. */
      session?: string | undefined;
      /** The page version the browser holds (when resuming). */
      version?: number | undefined;
      query?: Record<string, string> | undefined;
      /** Widget values the browser holds, to restore a session the server lost. */
      widgets?: Record<string, Json> | undefined;
      page?: string | undefined;
      hidden?: boolean | undefined;
    }
  | { t: "set"; id: string; value: Json }
  | { t: "click"; id: string }
  | { t: "submit"; form: string; values: Record<string, Json> }
  | { t: "resync" }
  | { t: "nav"; page: string }
  | { t: "visibility"; hidden: boolean }
  | { t: "clearUpload"; id: string }
  | { t: "ping"; at: number };

/** A size in bytes as people read it, in decimal units: 5,000,000 bytes is "5 MB" (as file managers and disks say). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const [value, unit] = n < 1e6 ? [n / 1e3, "kB"] : n < 1e9 ? [n / 1e6, "MB"] : [n / 1e9, "GB"];
  return `${Number(value.toFixed(1))} ${unit}`;
}

/**
 * Binary frames, both directions: a 4-byte big-endian header length, a UTF-8 JSON header (padded
 * with spaces so that the payload starts at a multiple of 8 bytes), then the payload.
 * Server → browser: `{ kind: "data", blobs }`: the blobs' Arrow IPC bytes, one after another (a
 * run's blobs travel in one frame: each WebSocket message costs the browser about half a
 * millisecond, whatever its size).
 * Browser → server: `{ kind: "upload", id, name, type, index, count }` with a file's bytes.
 */
export type BinaryHeader =
  | { kind: "data"; blobs: { hash: string; size: number }[] }
  | {
      kind: "upload";
      id: string;
      name: string;
      type: string;
      /** This file's place among the files of one upload, and their number. */
      index: number;
      count: number;
      /** The file's size in bytes, and where in it this chunk starts (chunks of `uploadChunkBytes`). */
      size: number;
      offset: number;
    };

/** Uploads travel in chunks of this many bytes (a message after hello may be larger: limits.ts). */
export const uploadChunkBytes = 512 * 1024;

export function encodeBinary(header: BinaryHeader, ...payloads: Uint8Array[]): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headLength = json.length + ((8 - ((4 + json.length) % 8)) % 8);
  const out = new Uint8Array(4 + headLength + payloads.reduce((sum, p) => sum + p.length, 0));
  new DataView(out.buffer).setUint32(0, headLength);
  out.set(json, 4);
  out.fill(0x20, 4 + json.length, 4 + headLength); // spaces after the JSON
  let at = 4 + headLength;
  for (const payload of payloads) {
    out.set(payload, at);
    at += payload.length;
  }
  return out;
}

/** A frame of data blobs (hash → Arrow IPC bytes). */
export function encodeData(blobs: [hash: string, bytes: Uint8Array][]): Uint8Array {
  return encodeBinary({ kind: "data", blobs: blobs.map(([hash, bytes]) => ({ hash, size: bytes.length })) }, ...blobs.map(([, bytes]) => bytes));
}

/** The blobs of a data frame's payload (views into it), or null if the sizes do not add up. */
export function splitData(header: Extract<BinaryHeader, { kind: "data" }>, payload: Uint8Array): [hash: string, bytes: Uint8Array][] | null {
  const out: [string, Uint8Array][] = [];
  let at = 0;
  for (const { hash, size } of header.blobs) {
    if (at + size > payload.length) return null;
    out.push([hash, payload.subarray(at, at + size)]);
    at += size;
  }
  return at === payload.length ? out : null;
}

/** Split a binary frame into its header (unchecked JSON: see `validate.ts`) and payload. */
export function decodeBinary(frame: Uint8Array): { header: unknown; payload: Uint8Array } | null {
  if (frame.length < 4) return null;
  const length = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0);
  if (length > 4096 || 4 + length > frame.length) return null;
  try {
    return { header: JSON.parse(new TextDecoder().decode(frame.subarray(4, 4 + length))) as unknown, payload: frame.subarray(4 + length) };
  } catch {
    return null;
  }
}
