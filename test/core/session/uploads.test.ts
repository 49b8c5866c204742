import { describe, expect, it } from "vitest";
import { PendingUploads, type ArrivedFile } from "../../../packages/runtime/src/uploads.ts";

const file = (name: string, size: number): ArrivedFile => ({ name, type: "text/plain", bytes: new Uint8Array(size) });

describe("files arriving for a file uploader", () => {
  it("one file: the value is the file", () => {
    const uploads = new PendingUploads();
    const a = file("a.txt", 3);
    expect(uploads.arrive("up", {}, a, 0, 1)).toEqual({ value: a });
    expect(uploads.size).toBe(0);
  });

  it("the files of one upload wait for each other, whatever their order; with `multiple` the value is all of them in order", () => {
    const uploads = new PendingUploads();
    const [a, b, c] = [file("a", 1), file("b", 2), file("c", 3)];
    expect(uploads.arrive("up", { multiple: true }, a, 0, 3)).toEqual({ waiting: true });
    expect(uploads.arrive("up", { multiple: true }, c, 2, 3)).toEqual({ waiting: true });
    expect(uploads.size).toBe(1);
    expect(uploads.arrive("up", { multiple: true }, b, 1, 3)).toEqual({ value: [a, b, c] });
    expect(uploads.size).toBe(0);
  });

  it("a file over maxBytes is refused with its size and the limit; a new upload (index 0) drops a half-arrived one", () => {
    const uploads = new PendingUploads();
    expect(uploads.arrive("up", { maxBytes: 10 }, file("big.txt", 11), 0, 1)).toEqual({ refused: "big.txt is 11 B; the limit is 10 B." });
    uploads.arrive("up", { multiple: true }, file("old", 1), 0, 2);
    const fresh = file("new", 1);
    expect(uploads.arrive("up", { multiple: true }, fresh, 0, 1)).toEqual({ value: [fresh] });
  });

  it("clearing the uploader, or the browser going away, drops what had arrived", () => {
    const uploads = new PendingUploads();
    uploads.arrive("a", {}, file("a", 1), 0, 2);
    uploads.arrive("b", {}, file("b", 1), 0, 2);
    uploads.clear("a");
    expect(uploads.size).toBe(1);
    uploads.clearAll();
    expect(uploads.size).toBe(0);
    expect(uploads.arrive("b", {}, file("b2", 1), 1, 2)).toEqual({ waiting: true }); // the first half is gone
  });
});
