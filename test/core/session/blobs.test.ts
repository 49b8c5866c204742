import { describe, expect, it } from "vitest";
import { BlobLedger, keepAtMost } from "../../../packages/runtime/src/blobs.ts";
import { decodeBinary, type BinaryHeader } from "../../../packages/runtime/src/protocol.ts";
import type { Run } from "../../../packages/runtime/src/run.ts";

/** The hashes of each data frame sent. */
function ledger() {
  const frames: string[][] = [];
  const blobs = new BlobLedger((frame) => {
    const header = decodeBinary(frame)!.header as Extract<BinaryHeader, { kind: "data" }>;
    frames.push(header.blobs.map((blob) => blob.hash));
  });
  return { blobs, frames };
}

/** A finished full run that used these blobs outside fragments. */
const fullRun = (...hashes: string[]): Run => ({ fragment: undefined, data: new Set(hashes), outside: new Set(hashes), inside: new Map() }) as unknown as Run;

describe("the browser's blob ledger", () => {
  it("sends each blob once; deferred ones only when asked for them", () => {
    const { blobs, frames } = ledger();
    blobs.add("a", new Uint8Array(10));
    blobs.add("b", new Uint8Array(10), true);
    blobs.send();
    blobs.send();
    expect(frames).toEqual([["a"]]);
    blobs.send(true);
    expect(frames).toEqual([["a"], ["b"]]);
  });

  it("packs at most 40 blobs in a frame", () => {
    const { blobs, frames } = ledger();
    for (let i = 0; i < 45; i++) blobs.add(`h${i}`, new Uint8Array(1));
    blobs.send();
    expect(frames.map((f) => f.length)).toEqual([40, 5]);
  });

  it("blobs the page stopped using are kept by the browser up to the limit, then released oldest first", () => {
    const { blobs, frames } = ledger();
    const all: string[] = [];
    for (let i = 0; i <= keepAtMost.blobs + 1; i++) {
      const hash = `h${i}`;
      all.push(hash);
      blobs.add(hash, new Uint8Array(1));
      blobs.send();
      blobs.release(fullRun(hash)); // each run shows only its own blob
    }
    expect(frames.length).toBe(all.length);
    expect(blobs.takeReleased()).toEqual(["h0"]);
    expect(blobs.takeReleased()).toEqual([]);
    // A kept blob used again is not sent again.
    blobs.add("h5", new Uint8Array(1));
    blobs.send();
    expect(frames.length).toBe(all.length);
  });

  it("a browser that starts over is sent everything again", () => {
    const { blobs, frames } = ledger();
    blobs.add("a", new Uint8Array(1));
    blobs.send();
    blobs.forgetSent();
    blobs.send();
    expect(frames).toEqual([["a"], ["a"]]);
  });
});
