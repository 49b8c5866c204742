import { describe, expect, it } from "vitest";
import { InputLog } from "../../packages/runtime/src/replay.ts";

describe("InputLog (inputs replayed after a worker is replaced)", () => {
  it("keeps inputs until a snapshot covers them; pings and visibility are not kept", () => {
    const log = new InputLog();
    const a = log.note("s", { t: "set", id: "x", value: 1 });
    log.note("s", { t: "ping", at: 1 });
    log.note("s", { t: "visibility", hidden: true });
    const c = log.note("s", { t: "click", id: "b" });
    log.note("t", { t: "set", id: "y", value: 2 });
    expect(log.size("s")).toBe(2);
    log.covered("s", a);
    expect(log.take("s")).toEqual([{ t: "click", id: "b" }]);
    expect(log.size("s")).toBe(0);
    expect(c).toBeGreaterThan(a);
  });

  it("the session that brought the worker down gets only what came after the input it was running", () => {
    const log = new InputLog();
    log.note("s", { t: "click", id: "freeze" });
    const handled = 1;
    log.note("s", { t: "set", id: "x", value: 5 });
    expect(log.take("s", handled)).toEqual([{ t: "set", id: "x", value: 5 }]);
  });

  it("a session that never completes a run keeps only its newest 500", () => {
    const log = new InputLog();
    for (let i = 0; i < 600; i++) log.note("s", { t: "set", id: "x", value: i });
    const kept = log.take("s");
    expect(kept).toHaveLength(500);
    expect(kept[0]).toEqual({ t: "set", id: "x", value: 100 });
  });
});
