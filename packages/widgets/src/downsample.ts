/**
 * Downsampling for line and area charts: one pixel column keeps at most four points — the
 * first, the lowest, the highest and the last (M4) — so every peak, dip and the line's entry and
 * exit of the column survive, and a 10,000,000-point series draws like the full one from a few
 * thousand points.
 */

/** Indices of `x` sorted ascending (a no-op copy when already sorted). */
export function sortedOrder(x: Float64Array): Uint32Array | null {
  for (let i = 1; i < x.length; i++) {
    if (!(x[i - 1]! <= x[i]!)) {
      const order = new Uint32Array(x.length);
      for (let j = 0; j < order.length; j++) order[j] = j;
      order.sort((a, b) => x[a]! - x[b]! || a - b);
      return order;
    }
  }
  return null;
}

/**
 * M4 over `columns` pixel columns of the x range: the indices of the kept points, in x order.
 * Points with a NaN x or y are skipped. A series of at most `4 * columns` points keeps them all.
 */
export function m4(x: Float64Array, y: Float64Array, columns: number, order?: Uint32Array | null): Uint32Array {
  const n = x.length;
  const out = new Uint32Array(Math.min(n, columns * 4));
  let k = 0;
  if (n <= columns * 4) {
    for (let i = 0; i < n; i++) {
      const j = order ? order[i]! : i;
      if (!Number.isNaN(x[j]!)) out[k++] = j;
    }
    return out.slice(0, k);
  }
  if (order === null) return m4Sorted(x, y, columns, out);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = hi > lo ? columns / (hi - lo) : 0;
  // The hot loop (10,000,000 points): everything it touches is a local of this function (a
  // variable a closure shares would live on the heap), NaN is tested as `v !== v`, and the
  // column index is truncated and clamped only at the right edge.
  let bucket = -1;
  let first = -1;
  let last = -1;
  let min = -1;
  let max = -1;
  let minValue = 0;
  let maxValue = 0;
  const edge = columns - 1;
  for (let i = 0; i < n; i++) {
    const j = order ? order[i]! : i;
    const xv = x[j]!;
    const yv = y[j]!;
    if (xv !== xv || yv !== yv) continue;
    let b = ((xv - lo) * scale) | 0;
    if (b > edge) b = edge;
    if (b !== bucket) {
      if (first >= 0) k = emit(out, k, x, first, min, max, last);
      bucket = b;
      first = last = min = max = j;
      minValue = maxValue = yv;
      continue;
    }
    last = j;
    if (yv < minValue) {
      minValue = yv;
      min = j;
    } else if (yv > maxValue) {
      maxValue = yv;
      max = j;
    }
  }
  if (first >= 0) k = emit(out, k, x, first, min, max, last);
  return out.slice(0, k);
}

/**
 * M4 for x already ascending with no NaN (`sortedOrder` returned null): each column's rows are a
 * range found by binary search, and the loop over a range reads only y.
 */
function m4Sorted(x: Float64Array, y: Float64Array, columns: number, out: Uint32Array): Uint32Array {
  const n = x.length;
  const lo = x[0]!;
  const hi = x[n - 1]!;
  const width = hi > lo ? (hi - lo) / columns : 0;
  let k = 0;
  let start = 0;
  for (let b = 0; b < columns && start < n; b++) {
    // The first row past this column (the last column takes the rest).
    let end = n;
    if (b < columns - 1 && width > 0) {
      const limit = lo + (b + 1) * width;
      let low = start;
      let high = n;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (x[mid]! < limit) low = mid + 1;
        else high = mid;
      }
      end = low;
    }
    let first = -1;
    let last = -1;
    let min = -1;
    let max = -1;
    let minValue = Infinity;
    let maxValue = -Infinity;
    for (let i = start; i < end; i++) {
      const v = y[i]!;
      if (v !== v) continue;
      if (first < 0) first = i;
      last = i;
      if (v < minValue) {
        minValue = v;
        min = i;
      }
      if (v > maxValue) {
        maxValue = v;
        max = i;
      }
    }
    if (first >= 0) k = emit(out, k, x, first, min, max, last);
    start = end;
  }
  return out.slice(0, k);
}

/** Write a column's kept points (first, min, max, last) to `out` at `k` in x order, each once. */
function emit(out: Uint32Array, k: number, x: Float64Array, first: number, min: number, max: number, last: number): number {
  const picks = [first, min, max, last].sort((a, b) => x[a]! - x[b]! || a - b);
  let previous = -1;
  for (const p of picks) {
    if (p === previous) continue;
    previous = p;
    out[k++] = p;
  }
  return k;
}

/** Sorted union of index lists (several series downsampled over the same rows). */
export function union(lists: Uint32Array[], x: Float64Array): Uint32Array {
  const set = new Set<number>();
  for (const list of lists) for (const i of list) set.add(i);
  return Uint32Array.from(set).sort((a, b) => x[a]! - x[b]! || a - b);
}

/**
 * A min–max band per pixel column: the lowest `low` and the highest `high` of the column, at the
 * column's first and last x (so the envelope keeps its extremes and its width).
 */
export function band(
  x: Float64Array,
  low: Float64Array,
  high: Float64Array,
  columns: number,
  order?: Uint32Array | null,
): { x: Float64Array; low: Float64Array; high: Float64Array } {
  const n = x.length;
  const at = (i: number): number => (order ? order[i]! : i);
  if (n <= columns * 2) {
    const ox = new Float64Array(n);
    const ol = new Float64Array(n);
    const oh = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const j = at(i);
      ox[i] = x[j]!;
      ol[i] = low[j]!;
      oh[i] = high[j]!;
    }
    return { x: ox, low: ol, high: oh };
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    if (x[i]! < lo) lo = x[i]!;
    if (x[i]! > hi) hi = x[i]!;
  }
  const scale = hi > lo ? columns / (hi - lo) : 0;
  const ox = new Float64Array(columns * 2);
  const ol = new Float64Array(columns * 2);
  const oh = new Float64Array(columns * 2);
  let k = 0;
  let bucket = -1;
  let x0 = NaN;
  let x1 = NaN;
  let min = Infinity;
  let max = -Infinity;
  const emit = (): void => {
    if (bucket < 0) return;
    ox[k] = x0;
    ol[k] = min;
    oh[k++] = max;
    if (x1 !== x0) {
      ox[k] = x1;
      ol[k] = min;
      oh[k++] = max;
    }
  };
  for (let i = 0; i < n; i++) {
    const j = at(i);
    const xv = x[j]!;
    if (Number.isNaN(xv)) continue;
    const b = Math.min(columns - 1, Math.floor((xv - lo) * scale));
    if (b !== bucket) {
      emit();
      bucket = b;
      x0 = x1 = xv;
      min = Infinity;
      max = -Infinity;
    }
    x1 = xv;
    if (low[j]! < min) min = low[j]!;
    if (high[j]! > max) max = high[j]!;
  }
  emit();
  return { x: ox.slice(0, k), low: ol.slice(0, k), high: oh.slice(0, k) };
}

/** The indices of a deterministic pseudo-random sample of `count` out of `n`, in order. */
export function sample(n: number, count: number, seed = 1): Uint32Array {
  if (count >= n) return Uint32Array.from({ length: n }, (_, i) => i);
  // Selection sampling (Knuth's algorithm S) with a small seeded PRNG: same input, same sample.
  const out = new Uint32Array(count);
  let state = seed >>> 0 || 1;
  let needed = count;
  for (let i = 0, k = 0; i < n && needed > 0; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const u = (state >>> 0) / 4294967296;
    if (u * (n - i) < needed) {
      out[k++] = i;
      needed--;
    }
  }
  return out;
}
