import { describe, expect, it } from "vitest";
import { parseDuration } from "../../packages/runtime/src/sources/duration.ts";
import { SharedPoller } from "../../packages/runtime/src/sources/poller.ts";
import type { Fetched, Source, SourceState } from "../../packages/runtime/src/sources/source.ts";
import { FakeClock } from "./fake-clock.ts";

/** A source backed by a variable, counting checks and fetches. */
interface FakeSource {
  data: string;
  failing: string | undefined;
  checks: number;
  fetches: number;
  source: Source<string>;
}

function fakeSource(initial: string, every = 1000): FakeSource {
  const s: FakeSource = {
    data: initial,
    failing: undefined as string | undefined,
    checks: 0,
    fetches: 0,
    source: {
      label: "fake://data",
      every,
      check: async () => {
        s.checks++;
        if (s.failing) throw new Error(s.failing);
        return s.data;
      },
      fetch: async (): Promise<Fetched<string>> => {
        s.fetches++;
        if (s.failing) throw new Error(s.failing);
        return { value: s.data, version: s.data, check: s.data };
      },
    },
  };
  return s;
}

function setup(opts: { maxBackoff?: number } = {}) {
  const clock = new FakeClock();
  const log = {
    changes: [] as Array<[string, string[]]>,
    stale: [] as Array<[string, string[], SourceState<string>]>,
    recovered: [] as string[][],
  };
  const poller = new SharedPoller<string>({
    clock,
    maxBackoff: opts.maxBackoff,
    onChange: (k, s) => log.changes.push([k, s]),
    onStale: (k, s, st) => log.stale.push([k, s, st]),
    onRecover: (_k, s) => log.recovered.push(s),
  });
  const tick = async (ms: number) => {
    await clock.advance(ms);
    await poller.idle();
  };
  return { clock, poller, log, tick };
}

describe("parseDuration", () => {
  it("reads numbers and unit strings", () => {
    expect(parseDuration(250)).toBe(250);
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("20s")).toBe(20_000);
    expect(parseDuration("5m")).toBe(300_000);
    expect(parseDuration("1h")).toBe(3_600_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("1.5s")).toBe(1500);
  });
  it("rejects bad input clearly", () => {
    expect(() => parseDuration("20")).toThrow('add a unit, e.g. "20ms" or "20s"');
    expect(() => parseDuration("soon")).toThrow(/Invalid duration "soon"/);
    expect(() => parseDuration("5 parsecs")).toThrow(/Invalid duration/);
    expect(() => parseDuration(-1)).toThrow(/non-negative/);
    expect(() => parseDuration(Number.NaN)).toThrow(/Invalid duration/);
  });
});

describe("SharedPoller", () => {
  it.each([1, 500])("polls once per interval for %i sessions and reruns exactly the readers", async (n) => {
    const { poller, log, tick, clock } = setup();
    const src = fakeSource("v1");
    const sessions = Array.from({ length: n }, (_, i) => `s${i}`);
    const states = await Promise.all(sessions.map((s) => poller.read(s, "k", src.source)));
    expect(new Set(states).size).toBe(1);
    expect(src.fetches).toBe(1);
    expect(clock.pending).toBe(1); // one timer, however many sessions

    await tick(1000);
    await tick(1000);
    expect(src.checks).toBe(2);
    expect(src.fetches).toBe(1);
    expect(log.changes).toEqual([]);

    src.data = "v2";
    await tick(1000);
    expect(src.fetches).toBe(2);
    expect(log.changes).toEqual([["k", sessions]]);
    expect(poller.peek("k")?.value).toBe("v2");
    poller.close();
    expect(clock.pending).toBe(0);
  });

  it("names only the sessions that read the changed key", async () => {
    const { poller, log, tick } = setup();
    const a = fakeSource("a");
    const b = fakeSource("b");
    await poller.read("s1", "A", a.source);
    await poller.read("s2", "A", a.source);
    await poller.read("s2", "B", b.source);
    await poller.read("s3", "B", b.source);
    a.data = "a2";
    await tick(1000);
    expect(log.changes).toEqual([["A", ["s1", "s2"]]]);
    b.data = "b2";
    poller.release("s2", new Set(["A"])); // s2's last run read only A
    await tick(1000);
    expect(log.changes).toEqual([
      ["A", ["s1", "s2"]],
      ["B", ["s3"]],
    ]);
    poller.close();
  });

  it("stops polling a source nobody reads", async () => {
    const { poller, clock } = setup();
    let unwatched = 0;
    const src = fakeSource("x");
    await poller.read("s1", "k", {
      ...src.source,
      watch: () => () => unwatched++,
    });
    await poller.read("s2", "k", src.source);
    poller.release("s1");
    expect(poller.keys()).toEqual(["k"]);
    poller.release("s2", new Set());
    expect(poller.keys()).toEqual([]);
    expect(clock.pending).toBe(0);
    expect(unwatched).toBe(1);
  });

  it("shares one in-flight first load among concurrent readers", async () => {
    const { poller } = setup();
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const source: Source<string> = {
      fetch: async () => {
        calls++;
        await gate;
        return { value: "v", version: "1" };
      },
    };
    const reads = Array.from({ length: 100 }, (_, i) => poller.read(`s${i}`, "k", source));
    release();
    const states = await Promise.all(reads);
    expect(calls).toBe(1);
    expect(states.every((s) => s.value === "v")).toBe(true);
    poller.close();
  });

  it("retries a failed first load with backoff, keeps its readers, and reruns them when it loads", async () => {
    const { poller, log, tick, clock } = setup();
    const src = fakeSource("x");
    src.failing = "connection refused";
    await expect(poller.read("s1", "k", src.source)).rejects.toThrow("Could not load fake://data: connection refused");
    await expect(poller.read("s2", "k", src.source)).rejects.toThrow("connection refused"); // within a second: no new try
    expect(src.fetches).toBe(1);
    expect(poller.keys()).toEqual(["k"]);
    expect(clock.pending).toBe(1);
    await tick(1000);
    expect(src.fetches).toBe(2);
    await tick(1000); // backing off: the next try is 2 s after the last
    expect(src.fetches).toBe(2);
    await tick(1000);
    expect(src.fetches).toBe(3);
    expect(log.changes).toEqual([]);
    src.failing = undefined;
    await tick(4000);
    expect(src.fetches).toBe(4);
    expect(log.changes).toEqual([["k", ["s1", "s2"]]]);
    expect(poller.peek("k")?.value).toBe("x");
    await tick(1000); // back to the normal interval
    expect(src.checks).toBe(1);
    poller.close();
    expect(clock.pending).toBe(0);
  });

  it("tries a failed first load again at once when read a second after the last try, and stops retrying when nobody reads it", async () => {
    const { poller, clock } = setup();
    const src = fakeSource("x", 60_000);
    src.failing = "timeout";
    await expect(poller.read("s", "k", src.source)).rejects.toThrow("timeout");
    await clock.advance(1500);
    src.failing = undefined;
    await expect(poller.read("s", "k", src.source)).resolves.toMatchObject({ value: "x" });
    expect(src.fetches).toBe(2);

    src.failing = "timeout";
    await expect(poller.read("t", "other", { ...src.source, label: "fake://other" })).rejects.toThrow("Could not load fake://other");
    poller.release("t", new Set());
    expect(poller.keys()).toEqual(["k"]);
    poller.close();
    expect(clock.pending).toBe(0);
  });

  it("keeps the last good value when polls fail, backs off, and reports recovery", async () => {
    const { poller, log, tick, clock } = setup({ maxBackoff: 4000 });
    const src = fakeSource("good");
    await poller.read("s", "k", src.source);
    const lastSuccess = clock.now();
    src.failing = "server down";
    await tick(1000);
    expect(log.stale).toHaveLength(1);
    const [key, sessions, state] = log.stale[0]!;
    expect([key, sessions]).toEqual(["k", ["s"]]);
    expect(state.value).toBe("good");
    expect(state.stale).toEqual({
      error: "server down",
      since: clock.now(),
      lastSuccess,
    });
    expect(poller.peek("k")?.stale?.error).toBe("server down");
    // Backoff: next tries after 1s, 2s, 4s, then capped at 4s.
    const checksAt = () => src.checks;
    const c0 = checksAt();
    await tick(999);
    expect(checksAt()).toBe(c0);
    await tick(1);
    expect(checksAt()).toBe(c0 + 1);
    await tick(1999);
    expect(checksAt()).toBe(c0 + 1);
    await tick(1);
    expect(checksAt()).toBe(c0 + 2);
    await tick(4000);
    expect(checksAt()).toBe(c0 + 3);
    await tick(4000);
    expect(checksAt()).toBe(c0 + 4);
    expect(log.stale.length).toBe(5);
    expect(log.stale.at(-1)![2].stale?.since).toBe(state.stale?.since);
    expect(log.changes).toEqual([]);

    src.failing = undefined;
    src.data = "new";
    await tick(4000);
    expect(log.recovered).toEqual([["s"]]);
    expect(log.changes).toEqual([["k", ["s"]]]);
    expect(poller.peek("k")).toMatchObject({ value: "new" });
    expect(poller.peek("k")?.stale).toBeUndefined();
    // Back to the normal interval.
    const c1 = checksAt();
    await tick(1000);
    expect(checksAt()).toBe(c1 + 1);
    poller.close();
  });

  it("pauses sources whose readers are all hidden, and catches up when one is visible", async () => {
    const { poller, log, tick } = setup();
    const src = fakeSource("v1");
    await poller.read("s1", "k", src.source);
    await poller.read("s2", "k", src.source);
    poller.setHidden("s1", true);
    await tick(1000);
    expect(src.checks).toBe(1); // s2 still visible
    poller.setHidden("s2", true);
    src.data = "v2";
    await tick(10_000);
    expect(src.checks).toBe(1);
    expect(src.fetches).toBe(1);
    expect(log.changes).toEqual([]);
    poller.setHidden("s2", false);
    await poller.idle();
    expect(src.checks).toBe(2);
    expect(log.changes).toEqual([["k", ["s1", "s2"]]]);
    await tick(1000);
    expect(src.checks).toBe(3);
    poller.close();
  });

  it("re-fetches on watch events without a timer, and refetches after an event during a fetch", async () => {
    const { poller, log, clock } = setup();
    let fire!: () => void;
    let data = "a";
    let fetches = 0;
    // eslint-disable-next-line prefer-const -- assigned later in the test, after the first fetch
    let gate: Promise<void> | undefined;
    const source: Source<string> = {
      fetch: async () => {
        fetches++;
        const seen = data;
        await gate;
        return { value: seen, version: seen };
      },
      watch: (onChange) => {
        fire = onChange;
        return () => {};
      },
    };
    await poller.read("s", "w", source);
    expect(clock.pending).toBe(0);
    data = "b";
    fire();
    await poller.idle();
    expect(log.changes).toEqual([["w", ["s"]]]);
    // An event arrives while a fetch is running: one more fetch follows.
    let open!: () => void;
    gate = new Promise((r) => (open = r));
    data = "c";
    fire();
    data = "d";
    fire();
    open();
    await poller.idle();
    expect(poller.peek("w")?.value).toBe("d");
    expect(fetches).toBe(4);
    poller.close();
  });

  it("uses the shortest interval any reader asked for", async () => {
    const { poller, tick } = setup();
    const slow = fakeSource("x", 10_000);
    await poller.read("s1", "k", slow.source);
    await poller.read("s2", "k", { ...slow.source, every: 1000 });
    await tick(1000);
    expect(slow.checks).toBe(1);
    poller.close();
  });
});
