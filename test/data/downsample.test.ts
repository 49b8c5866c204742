// M4 downsampling keeps every pixel column's first, lowest, highest and last point.
import { describe, expect, test } from "vitest";
import { band, m4, sample, sortedOrder } from "../../packages/widgets/src/downsample.ts";

describe("m4", () => {
  test("keeps peaks and dips, at most four points per column", () => {
    const n = 1_000_000;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = i;
      y[i] = Math.sin(i / 5000);
    }
    y[123_457] = 50; // a one-point spike
    y[765_432] = -50; // a one-point dip
    const kept = m4(x, y, 800);
    expect(kept.length).toBeLessThanOrEqual(800 * 4);
    expect(kept.length).toBeGreaterThan(800 * 2);
    expect([...kept]).toContain(123_457);
    expect([...kept]).toContain(765_432);
    expect(kept[0]).toBe(0);
    expect(kept[kept.length - 1]).toBe(n - 1);
    for (let i = 1; i < kept.length; i++) expect(x[kept[i]!]!).toBeGreaterThanOrEqual(x[kept[i - 1]!]!);
  });

  test("small series are kept whole; NaN x is dropped", () => {
    const x = Float64Array.of(0, 1, NaN, 3);
    const y = Float64Array.of(1, 2, 3, 4);
    expect([...m4(x, y, 100)]).toEqual([0, 1, 3]);
  });

  test("unsorted x is read in order", () => {
    const x = Float64Array.from({ length: 10_000 }, (_, i) => 9_999 - i);
    const y = Float64Array.from({ length: 10_000 }, (_, i) => i);
    const order = sortedOrder(x)!;
    const kept = m4(x, y, 100, order);
    expect(x[kept[0]!]).toBe(0);
    expect(x[kept[kept.length - 1]!]).toBe(9_999);
  });

  test("a 10,000,000-point series reduces in well under a second", () => {
    const n = 10_000_000;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = i;
      y[i] = (i * 7919) % 1000;
    }
    const started = performance.now();
    const kept = m4(x, y, 1000);
    expect(performance.now() - started).toBeLessThan(5000); // ~100 ms on an idle core
    expect(kept.length).toBeLessThanOrEqual(4000);
  });
});

test("band keeps each column's lowest low and highest high", () => {
  const n = 100_000;
  const x = Float64Array.from({ length: n }, (_, i) => i);
  const low = Float64Array.from({ length: n }, () => 0);
  const high = Float64Array.from({ length: n }, () => 1);
  low[500] = -9;
  high[99_000] = 9;
  const b = band(x, low, high, 100);
  expect(b.x.length).toBeLessThanOrEqual(200);
  expect(Math.min(...b.low)).toBe(-9);
  expect(Math.max(...b.high)).toBe(9);
});

test("sample is deterministic, sorted and of the asked size", () => {
  const a = sample(1_000_000, 50_000);
  expect(a.length).toBe(50_000);
  expect([...a]).toEqual([...sample(1_000_000, 50_000)]);
  expect(a.every((v, i) => i === 0 || v > a[i - 1]!)).toBe(true);
});

test("M4 over x known to be ascending (binary-searched columns) keeps the same points", () => {
  const n = 200_000;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let at = 0;
  for (let i = 0; i < n; i++) {
    at += 0.5 + ((i * 7919) % 13) / 10; // uneven steps
    x[i] = at;
    y[i] = i % 997 === 0 ? NaN : Math.sin(i / 300) + ((i * 31) % 17) / 40;
  }
  expect(sortedOrder(x)).toBeNull();
  const fast = m4(x, y, 700, null);
  expect(fast.length).toBeGreaterThan(700);
  expect(Array.from(fast)).toEqual(Array.from(m4(x, y, 700, undefined)));
});
