/**
 * What the browser holds of a session's page, and how it is kept in step: nodes get small
 * integer ids; each change goes as a patch from the version the browser has to the next; a
 * browser out of step (a reconnect, a `resync`) gets the whole page. Data blobs travel first.
 */
import type { Patch, ServerMessage } from "./protocol.ts";
import { diff, flatten, Ids, type Node, type Page } from "./tree.ts";
import type { BlobLedger } from "./blobs.ts";
import type { SharedOutcome } from "./session.ts";

export class PageSync {
  /** The page version the browser was last sent. */
  version = 0;
  /** A browser is attached (while none is, nothing is sent: `attach` diffs from what it last received). */
  connected = true;
  private sent: Page = new Map();

  /** `ids`: where node ids come from (sessions of a worker share one table: shared-runs.ts). */
  constructor(
    private readonly send: (message: ServerMessage) => void,
    private readonly blobs: BlobLedger,
    private readonly ids: Ids = new Ids(),
  ) {}

  /** Send what changed since the browser's last version; `final` (a run's end) also releases data. */
  patch(tree: Node, final: boolean): void {
    if (!this.connected) return;
    const page = flatten(tree, this.ids);
    this.blobs.send();
    this.commit(page, diff(this.sent, page), final ? this.blobs.takeReleased() : [], this.send);
  }

  /**
   * The same for a page computed once for several sessions (shared-runs.ts): `shared` flattens
   * and diffs once, and `sendShared` sends a patch that others are sent too (one with data to
   * release is this session's own).
   */
  adopt(tree: Node, shared: SharedOutcome, sendShared: (message: ServerMessage) => void): void {
    if (!this.connected) return;
    this.blobs.send();
    const page = shared.page(this.ids, tree);
    const release = this.blobs.takeReleased();
    this.commit(page, shared.patch(this.sent, page), release, release.length ? this.send : sendShared);
  }

  private commit(page: Page, patch: Patch | null, release: string[], send: (message: ServerMessage) => void): void {
    if (patch || release.length) {
      const message: ServerMessage = { t: "patch", base: this.version, version: this.version + 1, patch: patch ?? {} };
      if (release.length) message.patch.release = release;
      this.version++;
      this.sent = page;
      send(message);
    }
    this.blobs.sendDeferredSoon(() => this.connected);
  }

  /** Send the whole page (first connect, reconnect out of sync, or `resync`) and its data again. */
  full(tree: Node): void {
    const page = flatten(tree, this.ids);
    this.blobs.forgetSent();
    this.blobs.send();
    this.version++;
    this.sent = page;
    this.send({ t: "full", version: this.version, root: 0, nodes: Object.fromEntries(page) });
    this.blobs.send(true);
  }
}
