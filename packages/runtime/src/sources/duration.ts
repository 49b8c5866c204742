/**
 * Durations as authors write them: `every: "20s"`, `ttl: "5m"`, or plain milliseconds.
 */

const units: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** A duration: milliseconds as a number, or a string such as `"250ms"`, `"20s"`, `"5m"`, `"1h"`, `"1d"`, `"1m30s"`. */
export type Duration = number | string;

/**
 * Converts a duration to milliseconds.
 *
 * @example
 * parseDuration("20s") // 20000
 * parseDuration("1h30m") // 5400000
 * parseDuration(250) // 250
 */
export function parseDuration(value: Duration): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) {
      throw new Error(`Invalid duration ${value}: expected a non-negative number of milliseconds`);
    }
    return value;
  }
  if (typeof value !== "string") {
    throw new Error(`Invalid duration ${String(value)}: expected milliseconds or a string such as "20s", "5m", "1h"`);
  }
  const text = value.trim().toLowerCase();
  const part = /(\d+(?:\.\d+)?)\s*(ms|sec|s|min|m|h|d)/gy;
  let total = 0;
  let matched = 0;
  let end = 0;
  for (let m = part.exec(text); m !== null; m = part.exec(text)) {
    total += Number(m[1]) * units[m[2]!]!;
    matched++;
    end = part.lastIndex;
    while (text[end] === " ") end++;
    part.lastIndex = end;
  }
  if (matched === 0 || end !== text.length) {
    if (/^\d+(\.\d+)?$/.test(text)) {
      throw new Error(`Invalid duration "${value}": add a unit, e.g. "${text}ms" or "${text}s"`);
    }
    throw new Error(`Invalid duration "${value}": expected e.g. "250ms", "20s", "5m", "1h", "1d"`);
  }
  return total;
}
