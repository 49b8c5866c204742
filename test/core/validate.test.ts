import { describe, expect, it } from "vitest";
import { decodeBinary, encodeBinary, encodeData, splitData, type BinaryHeader } from "../../packages/runtime/src/protocol.ts";
import { parseClientMessage, parseUpload } from "../../packages/runtime/src/validate.ts";

describe("validation at the edge", () => {
  it("accepts well-formed messages", () => {
    expect(parseClientMessage(JSON.stringify({ t: "set", id: "slider:Count", value: 4 }))).toEqual({
      ok: true,
      message: { t: "set", id: "slider:Count", value: 4 },
    });
    expect(parseClientMessage(JSON.stringify({ t: "hello", session: "abc", version: 3, query: { a: "1" } })).ok).toBe(true);
  });

  it.each([
    ["not JSON", "{nope", "not JSON"],
    ["unknown type", JSON.stringify({ t: "explode" }), "invalid message"],
    ["missing field", JSON.stringify({ t: "set", value: 1 }), "id"],
    ["wrong type", JSON.stringify({ t: "click", id: 5 }), "id"],
    ["non-finite number", '{"t":"set","id":"x","value":1e999}', "value"],
    ["too deep array", JSON.stringify({ t: "set", id: "x", value: Array(20_000).fill(0) }), "value"],
    ["negative version", JSON.stringify({ t: "hello", version: -1 }), "version"],
  ])("refuses %s", (_, text, reason) => {
    const result = parseClientMessage(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(reason);
  });

  it("refuses oversized frames before parsing them", () => {
    const result = parseClientMessage(JSON.stringify({ t: "set", id: "x", value: "a".repeat(3_000_000) }));
    expect(result).toEqual({ ok: false, error: expect.stringContaining("too large") });
  });

  it("accepts upload frames and refuses other binary frames", () => {
    const upload = encodeBinary(
      { kind: "upload", id: "fileUploader:Data", name: "a.csv", type: "text/csv", index: 0, count: 1, size: 3, offset: 0 },
      new Uint8Array([1, 2, 3]),
    );
    const parsed = parseUpload(upload);
    expect(parsed.ok && [...parsed.message.payload]).toEqual([1, 2, 3]);
    expect(parseUpload(encodeBinary({ kind: "data", blobs: [{ hash: "x", size: 1 }] }, new Uint8Array(1))).ok).toBe(false);
    expect(parseUpload(new Uint8Array([0, 0, 0, 99, 1])).ok).toBe(false);
    expect(parseUpload(new Uint8Array([1])).ok).toBe(false);
  });
});

describe("data frames", () => {
  it("carry several blobs, each starting 8-byte aligned (Arrow reads its columns in place)", () => {
    const a = new Uint8Array(16).fill(1);
    const b = new Uint8Array(24).fill(2);
    const frame = encodeData([
      ["aaa", a],
      ["bbbb", b],
    ]);
    const decoded = decodeBinary(frame)!;
    const blobs = splitData(decoded.header as Extract<BinaryHeader, { kind: "data" }>, decoded.payload)!;
    expect(blobs.map(([hash, bytes]) => [hash, [...bytes]])).toEqual([
      ["aaa", [...a]],
      ["bbbb", [...b]],
    ]);
    expect(blobs.every(([, bytes]) => bytes.byteOffset % 8 === 0)).toBe(true);
  });
  it("whose sizes do not add up are dropped", () => {
    const decoded = decodeBinary(encodeData([["x", new Uint8Array(8)]]))!;
    expect(splitData({ kind: "data", blobs: [{ hash: "x", size: 9 }] }, decoded.payload)).toBeNull();
    expect(splitData({ kind: "data", blobs: [{ hash: "x", size: 4 }] }, decoded.payload)).toBeNull();
  });
});
