/**
 * Refusals in the log without a flood: each reason is written the first time it is given, then
 * repeats are only counted, and one line per interval says how many more were refused and the
 * last of them. A new reason during a flood is still written (up to 20 different ones); after an
 * interval with no refusal at all, every reason is written afresh. An interval of 0 writes every
 * refusal.
 */
const reasonsWritten = 20;

export function refusalLog(log: (line: string) => void, intervalMs = 60_000): (line: string, reason: string) => void {
  const written = new Set<string>();
  let more = 0;
  let last = "";
  let timer: ReturnType<typeof setTimeout> | null = null;
  const wait = (): void => {
    timer = setTimeout(flush, intervalMs);
    timer.unref();
  };
  function flush(): void {
    timer = null;
    if (more === 0) return written.clear(); // a quiet interval: start over
    log(`dash auth: ${more} more refused in the last ${Math.round(intervalMs / 1000)} s (the last: ${last.replace(/^dash auth: /, "")})`);
    more = 0;
    wait();
  }
  return (line, reason) => {
    if (intervalMs <= 0) return log(line);
    if (!timer) wait();
    if (!written.has(reason) && written.size < reasonsWritten) {
      written.add(reason);
      log(line);
      return;
    }
    more++;
    last = line;
  };
}
