import { describe, expect, test } from "vitest";
import { nestsDeeperThan } from "../../packages/runtime/src/edge/json-depth.ts";
import { defaultLimits, limitsFrom, MessageRate } from "../../packages/runtime/src/edge/limits.ts";
import { AddressSessions, SocketLimits } from "../../packages/runtime/src/edge/sockets.ts";
import { targetUrl } from "../../packages/runtime/src/edge/target.ts";
import type { WebSocket } from "ws";
import { parseClientMessage } from "../../packages/runtime/src/validate.ts";

describe("the edge's checks before validation", () => {
  test("nesting is counted outside strings only", () => {
    expect(nestsDeeperThan("[[1]]", 2)).toBe(false);
    expect(nestsDeeperThan("[[[1]]]", 2)).toBe(true);
    expect(nestsDeeperThan(`{"a":"[[[[[\\"[[["}`, 1)).toBe(false);
    expect(nestsDeeperThan(`[{},{},{}]`, 2)).toBe(false);
  });

  test("a message nested 10,000 levels deep is refused with a reason, not a stack overflow", () => {
    const deep = `{"t":"set","id":"x","value":${"[".repeat(10_000)}${"]".repeat(10_000)}}`;
    expect(parseClientMessage(deep)).toEqual({ ok: false, error: "message nests deeper than 64 levels" });
    expect(parseClientMessage(`{"t":"set","id":"x","value":[[[1]]]}`).ok).toBe(true);
  });

  test("request targets: paths stay paths, non-URLs are null", () => {
    expect(targetUrl("/_dash/client.js?v=1")?.pathname).toBe("/_dash/client.js");
    expect(targetUrl("//evil/_dash/client.js")?.pathname).toBe("//evil/_dash/client.js");
    expect(targetUrl("//a:99999")?.pathname).toBe("//a:99999");
    expect(targetUrl("//%zz")?.pathname).toBe("//%zz");
    expect(targetUrl("http://[")).toBeNull();
    expect(targetUrl("")).toBeNull();
    expect(targetUrl("http://host/x")?.pathname).toBe("/x");
  });
});

describe("the edge's limits", () => {
  test("flags win over DASH_* variables, which win over defaults; a bad value names its flag", () => {
    const limits = limitsFrom({ "max-hello-kb": "16" }, { DASH_MAX_HELLO_KB: "32", DASH_SESSIONS_PER_ADDRESS: "7" });
    expect(limits).toEqual({ ...defaultLimits, helloBytes: 16 * 1024, sessionsPerAddress: 7 });
    expect(() => limitsFrom({ "messages-per-second": "lots" }, {})).toThrow(
      '--messages-per-second (DASH_MESSAGES_PER_SECOND) must be a positive number, not "lots".',
    );
  });

  test("a message rate allows a burst of two seconds' worth, then the rate", () => {
    const rate = new MessageRate(10);
    let taken = 0;
    while (rate.take()) taken++;
    expect(taken).toBe(20);
  });

  test("an address's oldest disconnected session makes room; connected ones never do", () => {
    const kept = new Set<string>();
    const keeper = { has: (sid: string) => kept.has(sid), end: (sid: string) => void kept.delete(sid) };
    const sessions = new AddressSessions(2, keeper);
    const start = (sid: string): boolean => {
      if (!sessions.admit("1.2.3.4", undefined)) return false;
      kept.add(sid);
      sessions.started("1.2.3.4", sid);
      return true;
    };
    expect(start("a") && start("b")).toBe(true);
    expect(start("c")).toBe(false); // both connected
    sessions.left("a");
    expect(sessions.admit("1.2.3.4", "a")).toBe(true); // a reconnect of "a" needs no room
    sessions.started("1.2.3.4", "a");
    sessions.left("a");
    expect(start("c")).toBe(true); // "a" was the oldest disconnected one
    expect([...kept]).toEqual(["b", "c"]);
    expect(sessions.admit("5.6.7.8", undefined)).toBe(true); // another address has its own share
  });

  test("each hello costs O(1) however many sessions its address has (10,000 from one address)", () => {
    // One address holding many sessions (a benchmark, a company's NAT): admitting the next must
    // not look at every session the address already has (that made opening 10,000 take a minute).
    const kept = new Set<string>();
    let asked = 0;
    const keeper = { has: (sid: string) => (asked++, kept.has(sid)), end: (sid: string) => void kept.delete(sid) };
    const sessions = new AddressSessions(20_000, keeper);
    for (let i = 0; i < 10_000; i++) {
      expect(sessions.admit("10.0.0.1", undefined)).toBe(true);
      kept.add(`s${i}`);
      sessions.started("10.0.0.1", `s${i}`);
    }
    expect(asked).toBeLessThan(3 * 10_000); // a scan per hello asked 50 million times
    // Sessions the host ended are still found and not counted.
    for (let i = 0; i < 5_000; i++) kept.delete(`s${i}`);
    expect(sessions.count("10.0.0.1")).toBe(5_000);
  });

  test("at its limit, an address's sessions the host ended free their places first", () => {
    const kept = new Set<string>();
    const keeper = { has: (sid: string) => kept.has(sid), end: (sid: string) => void kept.delete(sid) };
    const sessions = new AddressSessions(3, keeper);
    for (const sid of ["a", "b", "c"]) {
      expect(sessions.admit("1.2.3.4", undefined)).toBe(true);
      kept.add(sid);
      sessions.started("1.2.3.4", sid);
    }
    expect(sessions.admit("1.2.3.4", undefined)).toBe(false); // all three connected
    kept.delete("b"); // expired, or taken over by another replica
    expect(sessions.admit("1.2.3.4", undefined)).toBe(true);
    kept.add("d");
    sessions.started("1.2.3.4", "d");
    expect([...kept]).toEqual(["a", "c", "d"]); // no connected session was ended for it
    expect(sessions.count("1.2.3.4")).toBe(3);
  });

  test("a socket that says no hello in time is closed with the reason", async () => {
    const closed: [number, string][] = [];
    const ws = { OPEN: 1, readyState: 1, close: (code: number, reason: string) => closed.push([code, reason]) } as unknown as WebSocket;
    new SocketLimits(ws, { ...defaultLimits, helloTimeout: 30 }, "1.2.3.4", new AddressSessions(1, { has: () => false, end: () => {} }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closed).toEqual([[1008, "no hello within 0.03 s"]]);
  });
});
