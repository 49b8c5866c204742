/**
 * The data blobs (Arrow tables, images, downloads) of a session's page, and which of them the
 * browser holds: each is sent once; the ones the page stops using are released, except the most
 * recent few, so going back to a state seen before sends none of its data again.
 */
import { encodeData } from "./protocol.ts";
import type { Run } from "./run.ts";

/** How much data the page stopped showing a browser may keep (most recent first). */
export const keepAtMost = { blobs: 64, bytes: 8 * 1024 * 1024 };

export class BlobLedger {
  private data = new Map<string, Uint8Array>();
  private deferred = new Set<string>();
  /** Blobs of the last full run, and of each fragment's last own run: what the page shows. */
  private pageData = new Set<string>();
  private fragmentData = new Map<string, Set<string>>();
  /** Blobs the browser holds that the page no longer uses: told in the next patch. */
  private toRelease: string[] = [];
  private sent = new Set<string>();
  /** Blobs the page stopped using that the browser still holds (oldest first, with their size). */
  private kept = new Map<string, number>();
  private keptBytes = 0;
  private deferredTimer: ReturnType<typeof setImmediate> | null = null;

  constructor(private readonly sendBinary: (frame: Uint8Array) => void) {}

  /** Register a blob; a `deferred` one travels after the patch that references it (big tables
   * first show a small head that arrives with the patch, then fill in). */
  add(hash: string, bytes: Uint8Array, deferred = false): void {
    this.data.set(hash, bytes);
    if (deferred) this.deferred.add(hash);
    else this.deferred.delete(hash);
  }

  /** Take blobs `hashes` from another session's ledger (a run it made that this one adopts). */
  copy(from: BlobLedger, hashes: Iterable<string>): void {
    for (const hash of hashes) {
      const bytes = from.data.get(hash);
      if (bytes) this.add(hash, bytes, from.deferred.has(hash));
    }
  }

  /** Send the blobs the browser does not have yet, several to a frame (up to ~1 MB, 40 blobs). */
  send(deferred = false): void {
    let frame: [string, Uint8Array][] = [];
    let size = 0;
    const flush = (): void => {
      if (frame.length) this.sendBinary(encodeData(frame));
      frame = [];
      size = 0;
    };
    for (const [hash, bytes] of this.data) {
      if (this.sent.has(hash) || this.deferred.has(hash) !== deferred) continue;
      if (frame.length && (frame.length >= 40 || size + bytes.length > 1 << 20)) flush();
      frame.push([hash, bytes]);
      size += bytes.length;
      this.sent.add(hash);
    }
    flush();
  }

  /**
   * Deferred blobs (a big table's full rows) go out in a later turn, so that the patch and the
   * first rows before them are on their way first (a worker posts what one turn sends together).
   */
  sendDeferredSoon(connected: () => boolean): void {
    if (this.deferredTimer || this.deferred.size === 0) return;
    this.deferredTimer = setImmediate(() => {
      this.deferredTimer = null;
      if (connected()) this.send(true);
    });
  }

  /**
   * After a run that finished: forget the blobs the page no longer shows. A full run's blobs are
   * the page's; a fragment's own run replaces only that fragment's. The browser keeps the last
   * ones it was sent (up to `keepAtMost`), so flipping between two states sends nothing again,
   * while a live chart redrawn every few seconds does not pile up data there.
   */
  release(run: Run): void {
    const live = run.fragment ? new Set(run.data) : run.data;
    if (run.fragment) {
      for (const hash of this.pageData) live.add(hash);
      for (const [key, hashes] of this.fragmentData) if (key !== run.fragment) for (const hash of hashes) live.add(hash);
      this.fragmentData.set(run.fragment, run.data);
    } else {
      this.pageData = run.outside;
      if (run.inside.size || this.fragmentData.size) this.fragmentData = new Map(run.inside);
    }
    for (const hash of live) this.unkeep(hash);
    for (const [hash, bytes] of this.data) {
      if (live.has(hash)) continue;
      this.data.delete(hash);
      this.deferred.delete(hash);
      if (!this.sent.has(hash)) continue;
      this.kept.set(hash, bytes.length);
      this.keptBytes += bytes.length;
    }
    // The browser keeps the most recent ones, within bounds; it is told to drop the rest.
    for (const hash of this.kept.keys()) {
      if (this.kept.size <= keepAtMost.blobs && this.keptBytes <= keepAtMost.bytes) break;
      this.unkeep(hash);
      this.sent.delete(hash);
      this.toRelease.push(hash);
    }
  }

  /** The blobs to tell the browser to drop (once: the list empties). */
  takeReleased(): string[] {
    return this.toRelease.splice(0);
  }

  /** The browser starts over (it gets the whole page and its data again). */
  forgetSent(): void {
    this.sent.clear();
    this.kept.clear();
    this.keptBytes = 0;
  }

  dispose(): void {
    if (this.deferredTimer) clearImmediate(this.deferredTimer);
    this.deferredTimer = null;
  }

  private unkeep(hash: string): void {
    const bytes = this.kept.get(hash);
    if (bytes === undefined) return;
    this.kept.delete(hash);
    this.keptBytes -= bytes;
  }
}
