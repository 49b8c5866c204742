/**
 * `cache()` shares results between threads through the services of the session whose run calls
 * it (services.ts `cache`), not through a module global: a call in a run claims from that
 * session's shared cache; a call outside any run, or in a session without one, computes here.
 */
import { describe, expect, it } from "vitest";
import { cache, type SharedCache } from "../../packages/runtime/src/cache.ts";
import { current, type Scope } from "../../packages/runtime/src/scope.ts";
import type { Run } from "../../packages/runtime/src/run.ts";
import type { Services } from "../../packages/runtime/src/services.ts";

/** Run `fn` as if inside a run of a session with these services. */
function inRun<R>(services: Services, fn: () => R): R {
  const run = { session: { services } } as unknown as Run;
  return current.run({ run, scope: {} as Scope }, fn);
}

function sharedCache(held: Map<string, unknown>) {
  const claimed: string[] = [];
  const settled: unknown[] = [];
  const shared: SharedCache = {
    claim: (key) => (claimed.push(key), Promise.resolve(held.has(key) ? { hit: true, value: held.get(key) } : { hit: false })),
    settle: (_key, result) => void settled.push(result),
  };
  return { shared, claimed, settled };
}

describe("cache() and the session's services", () => {
  it("a call in a run takes another thread's value through the session's shared cache, without computing", async () => {
    let calls = 0;
    const fn = cache((n: number) => (calls++, n * 3), { name: "services-held" });
    const { shared, claimed } = sharedCache(new Map());
    const services: Services = {
      enter: () => {},
      watchers: [],
      cache: { ...shared, claim: (key) => (claimed.push(key), Promise.resolve({ hit: true, value: 99 })) },
    };
    expect(await inRun(services, () => fn(1))).toBe(99);
    expect(claimed).toHaveLength(1);
    expect(calls).toBe(0);
  });

  it("a computed value is settled for the other threads; a call outside any run asks nobody", async () => {
    let calls = 0;
    const fn = cache((n: number) => (calls++, n + 1), { name: "services-settle" });
    const { shared, claimed, settled } = sharedCache(new Map());
    expect(await inRun({ enter: () => {}, watchers: [], cache: shared }, () => fn(1))).toBe(2);
    expect(settled).toEqual([{ value: 2, expires: Infinity }]);
    expect(await fn(5)).toBe(6); // outside a run: this thread only
    expect(await inRun({ enter: () => {}, watchers: [] }, () => fn(7))).toBe(8); // a session without a shared cache
    expect(claimed).toHaveLength(1);
    expect(calls).toBe(3);
  });
});
