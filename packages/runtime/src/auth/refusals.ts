/**
 * Refusals in the log without a flood: a burst of refused requests (a scanner, a browser tab
 * retrying without its cookie) writes its first line, then one line per interval with how many
 * more were refused and the last of them. A quiet interval starts over with a full line.
 */
export function refusalLog(log: (line: string) => void, intervalMs = 60_000): (line: string) => void {
  let more = 0;
  let last = "";
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = (): void => {
    timer = null;
    if (more === 0) return;
    log(`dash auth: ${more} more refused in the last ${Math.round(intervalMs / 1000)} s (the last: ${last.replace(/^dash auth: /, "")})`);
    more = 0;
    // The interval that follows a summary is counted too: a steady flood gives one line per interval.
    timer = setTimeout(flush, intervalMs);
    timer.unref();
  };
  return (line) => {
    if (timer) {
      more++;
      last = line;
      return;
    }
    log(line);
    timer = setTimeout(flush, intervalMs);
    timer.unref();
  };
}
