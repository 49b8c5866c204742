/** Small helpers shared by the benchmarks: percentiles and a uniform report line. */
export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] };
}

const fmt = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : String(value));

/** `name: p50 … p90 … p99 … (n=…) [target …] PASS/MISS` */
export function report(name, samples, unit, target, digits = 2) {
  const s = summarize(samples);
  const verdict = target === undefined ? "" : target(s) ? "  PASS" : "  MISS";
  console.log(
    `${name}: p50 ${fmt(s.p50, digits)} ${unit} · p90 ${fmt(s.p90, digits)} ${unit} · p99 ${fmt(s.p99, digits)} ${unit} · max ${fmt(s.max, digits)} ${unit} (n=${s.n})${verdict}`,
  );
  return s;
}

export function line(name, value, verdict) {
  console.log(`${name}: ${value}${verdict === undefined ? "" : verdict ? "  PASS" : "  MISS"}`);
}

export const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
