import { describe, expect, test } from "vitest";
import { nestsDeeperThan } from "../../packages/runtime/src/edge/json-depth.ts";
import { targetUrl } from "../../packages/runtime/src/edge/target.ts";
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
