import { tableFromArrays } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { cache, contentHash, MemoryStore, type CacheEntry, type CacheStore } from "../../packages/runtime/src/cache.ts";

describe("cache", () => {
  it("makes one underlying call for 1,000 concurrent callers", async () => {
    let calls = 0;
    const slow = cache(async (state: string) => {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      return { state, n: calls };
    });
    const results = await Promise.all(Array.from({ length: 1000 }, () => slow("CA")));
    expect(calls).toBe(1);
    expect(new Set(results).size).toBe(1);
    await slow("CA");
    expect(calls).toBe(1);
    await slow("TX");
    expect(calls).toBe(2);
  });

  it("keys by content, not identity or key order", async () => {
    let calls = 0;
    const f = cache((_opts: { a: number; b: Date; c: bigint[]; m: Map<string, number>; bytes: Uint8Array }) => ++calls);
    const args = () => ({
      b: new Date(0),
      a: 1,
      c: [1n],
      m: new Map([["x", 1]]),
      bytes: new Uint8Array([1, 2]),
    });
    await f(args());
    await f(args());
    expect(calls).toBe(1);
    await f({ ...args(), bytes: new Uint8Array([1, 3]) });
    await f({ ...args(), m: new Map([["x", 2]]) });
    await f({ ...args(), b: new Date(1) });
    expect(calls).toBe(4);
    expect(contentHash({ a: 1, b: 2 })).toBe(contentHash({ b: 2, a: 1 }));
    expect(contentHash([1, "1"])).not.toBe(contentHash(["1", 1]));
    expect(contentHash(1n)).not.toBe(contentHash(1));
    const t1 = tableFromArrays({ x: Float64Array.from([1, 2]) });
    const t2 = tableFromArrays({ x: Float64Array.from([1, 2]) });
    const t3 = tableFromArrays({ x: Float64Array.from([1, 3]) });
    expect(contentHash(t1)).toBe(contentHash(t2));
    expect(contentHash(t1)).not.toBe(contentHash(t3));
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => contentHash(cyclic)).toThrow(/cycle/);
  });

  it("does not cache errors", async () => {
    let calls = 0;
    const flaky = cache(async () => {
      calls++;
      if (calls === 1) throw new Error("boom");
      return "ok";
    });
    const failures = await Promise.allSettled([flaky(), flaky()]);
    expect(failures.map((f) => f.status)).toEqual(["rejected", "rejected"]);
    expect(calls).toBe(1);
    expect(await flaky()).toBe("ok");
    expect(calls).toBe(2);
  });

  it("expires entries after ttl", async () => {
    let now = 0;
    let calls = 0;
    const f = cache(() => ++calls, { ttl: "10s", clock: { now: () => now } });
    expect(await f()).toBe(1);
    now = 9_999;
    expect(await f()).toBe(1);
    now = 10_000;
    expect(await f()).toBe(2);
  });

  it("keeps at most maxEntries, dropping the least recently used", async () => {
    let calls = 0;
    const f = cache((x: number) => (calls++, x * 2), { maxEntries: 2 });
    await f(1);
    await f(2);
    await f(1); // 1 is now the most recent
    await f(3); // evicts 2
    expect(calls).toBe(3);
    await f(1);
    expect(calls).toBe(3);
    await f(2);
    expect(calls).toBe(4);
  });

  it("works with an asynchronous store, and clear() forgets", async () => {
    const map = new Map<string, CacheEntry>();
    const store: CacheStore = {
      get: async (k) => map.get(k),
      set: async (k, e) => void map.set(k, e),
      delete: async (k) => void map.delete(k),
      clear: async (prefix) => {
        for (const k of [...map.keys()]) if (k.startsWith(prefix)) map.delete(k);
      },
    };
    let calls = 0;
    const f = cache(async (x: number) => (calls++, x), { store, name: "f" });
    await Promise.all([f(1), f(1), f(1)]);
    expect(calls).toBe(1);
    expect([...map.keys()][0]).toMatch(/^f:/);
    await f.clear();
    await f(1);
    expect(calls).toBe(2);
    const memory = new MemoryStore(1);
    memory.set("a", { value: 1, expires: Infinity });
    memory.set("b", { value: 2, expires: Infinity });
    expect(memory.size).toBe(1);
    expect(memory.get("a")).toBeUndefined();
  });
});
