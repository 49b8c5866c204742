import { describe, expect, it } from "vitest";
import { Store } from "../../packages/runtime/src/client/store.ts";

const page = { 0: { type: "page", props: {}, children: [] } };
const bytes = (n: number): Uint8Array => new Uint8Array([n]);

describe("the browser's store", () => {
  it("drops the blobs a patch releases", () => {
    const store = new Store();
    store.reset(1, page);
    store.setData("a", bytes(1));
    store.setData("b", bytes(2));
    expect(store.apply(1, 2, { release: ["a"] })).toBe(true);
    expect(store.bytes("a")).toBeUndefined();
    expect(store.bytes("b")).toEqual(bytes(2));
  });

  it("on a whole new page keeps only the blobs that came with it", () => {
    const store = new Store();
    store.reset(1, page);
    store.setData("old", bytes(1));
    store.decode("old", (b) => b[0]);
    expect(store.apply(1, 2, {})).toBe(true);
    // A resync: the server sends the page's data again, then the page.
    store.setData("again", bytes(2));
    store.reset(7, page);
    expect(store.bytes("old")).toBeUndefined();
    expect(store.decode("old", (b) => b[0])).toBeUndefined();
    expect(store.bytes("again")).toEqual(bytes(2));
    // Blobs that follow the page (a big table's rows) are kept too.
    store.setData("after", bytes(3));
    expect(store.apply(7, 8, {})).toBe(true);
    expect(store.bytes("after")).toEqual(bytes(3));
  });
});
