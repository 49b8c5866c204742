import { describe, expect, it } from "vitest";
import { RunScheduler, type RunRequest } from "../../../packages/runtime/src/scheduler.ts";
import type { Run } from "../../../packages/runtime/src/run.ts";

/** A scheduler whose runs are fake: each start is recorded and ends when `finish` is called. */
function scheduler() {
  const started: RunRequest[] = [];
  const ends: (() => void)[] = [];
  const s: RunScheduler = new RunScheduler((request) => {
    started.push(request);
    const run = { fragment: request.fragment, cancelled: false, cancel: () => (run.cancelled = true) } as unknown as Run & { cancelled: boolean };
    s.run = run;
    return new Promise<void>((resolve) =>
      ends.push(() => {
        if (s.run === run) s.run = null;
        resolve();
      }),
    );
  });
  return { s, started, ends };
}
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("the run scheduler", () => {
  it("requests that arrive together merge into one run (a fragment's only if all ask for it)", async () => {
    const { s, started } = scheduler();
    s.request({ fragment: "f1" });
    s.request({ fragment: "f1", trigger: "button:Go" });
    await tick();
    expect(started).toEqual([{ fragment: "f1", trigger: "button:Go" }]);
    const other = scheduler();
    other.s.request({ fragment: "f1" });
    other.s.request({ fragment: "f2" });
    await tick();
    expect(other.started).toEqual([{ fragment: undefined, trigger: undefined }]);
  });

  it("a new request cancels the run going; the next starts once it has stopped", async () => {
    const { s, started, ends } = scheduler();
    s.request({});
    await tick();
    const first = s.run as Run & { cancelled: boolean };
    s.request({ trigger: "x" });
    expect(first.cancelled).toBe(true);
    await tick();
    expect(started.length).toBe(1); // still waiting for the first to stop
    ends[0]!();
    await tick();
    await tick();
    expect(started).toEqual([{}, { trigger: "x" }]);
  });

  it("a fragment's run goes on while another fragment is asked for", async () => {
    const { s } = scheduler();
    s.request({ fragment: "f1" });
    await tick();
    const running = s.run as Run & { cancelled: boolean };
    s.request({ fragment: "f2" });
    expect(running.cancelled).toBe(false);
  });

  it("idle only when nothing goes or waits; nothing starts after dispose", async () => {
    const { s, started, ends } = scheduler();
    expect(s.idle).toBe(true);
    s.request({});
    expect(s.idle).toBe(false);
    await tick();
    ends[0]!();
    await tick();
    expect(s.idle).toBe(true);
    s.dispose();
    s.request({});
    await tick();
    expect(started.length).toBe(1);
  });
});
