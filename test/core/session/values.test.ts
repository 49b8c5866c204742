import { describe, expect, it } from "vitest";
import { WidgetValues } from "../../../packages/runtime/src/values.ts";
import { takeSnapshot } from "../../../packages/runtime/src/cluster/snapshot.ts";
import type { WidgetSpec } from "../../../packages/runtime/src/scope.ts";

/** A number widget: parse accepts finite numbers, clamps to [0, 100]. */
function spec(options: Partial<WidgetSpec<number>> = {}): WidgetSpec<number> {
  const coerce = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? Math.min(100, Math.max(0, v)) : undefined);
  return {
    kind: "slider",
    label: "N",
    props: {},
    initial: 5,
    parse: (wire) => coerce(wire),
    coerce,
    toWire: (v) => v,
    fromQuery: (text) => coerce(Number(text)),
    toQuery: (v) => String(v),
    ...options,
  };
}

function values(options: Partial<ConstructorParameters<typeof WidgetValues>[0]> = {}) {
  const sent: { queries: Record<string, string>[]; warnings: string[] } = { queries: [], warnings: [] };
  const v = new WidgetValues({ onQuery: (q) => sent.queries.push(q), warn: (m) => sent.warnings.push(m), ...options });
  return { v, sent };
}

describe("widget values: one precedence (browser › state › kept › query › initial)", () => {
  it("with nothing set, the initial value", () => {
    const { v } = values();
    expect(v.resolve("slider:N", spec())).toBe(5);
    expect(v.widgets.get("slider:N")).toBe(5);
  });

  it("the value kept from the last run beats the query and the initial value", () => {
    const { v } = values({ query: { n: "7" } });
    v.widgets.set("slider:N", 9);
    expect(v.resolve("slider:N", spec({ query: "n" }))).toBe(9);
  });

  it("an assignment to state[key] beats the kept value; the kept value mirrors into state", () => {
    const { v } = values();
    const keyed = spec({ key: "n" });
    expect(v.resolve("key:n", keyed)).toBe(5);
    expect(v.state.n).toBe(5);
    v.state.n = 42;
    expect(v.resolve("key:n", keyed)).toBe(42);
    v.state.n = "not a number";
    expect(v.resolve("key:n", keyed)).toBe(42); // refused by coerce: the kept value
  });

  it("what the browser shows beats state (after a move to another replica), once", () => {
    const { v } = values({ wire: { "key:n": 77 } });
    v.state.n = 3;
    expect(v.resolve("key:n", spec({ key: "n" }))).toBe(77);
    v.state.n = 4;
    expect(v.resolve("key:n", spec({ key: "n" }))).toBe(4);
  });

  it("the URL's query beats the initial value; a bad one warns and falls back; the value writes the URL", () => {
    const { v, sent } = values({ query: { n: "12" } });
    expect(v.resolve("slider:N", spec({ query: "n" }))).toBe(12);
    const bad = values({ query: { n: "abc" } });
    expect(bad.v.resolve("slider:N", spec({ query: "n" }))).toBe(5);
    expect(bad.sent.warnings[0]).toContain('n="abc"');
    expect(bad.sent.queries.at(-1)).toEqual({ n: "5" });
    expect(sent.queries).toEqual([]); // 12 already in the URL
  });

  it("a restored snapshot taken over by a page with another URL reads that URL at the widget's first render", () => {
    const restore = { widgets: [["slider:N", 1]] as [string, unknown][], state: {}, query: { n: "1" }, page: "main" };
    const { v } = values({ restore, query: { n: "2" } });
    expect(v.resolve("slider:N", spec({ query: "n" }))).toBe(2);
  });

  it("accept: a refused browser value warns and changes nothing; an accepted one queues its onChange", () => {
    let changed: number | undefined;
    const s = spec({ onChange: (n) => (changed = n) });
    const { v, sent } = values();
    v.resolve("slider:N", s);
    expect(v.accept("slider:N", { spec: s as WidgetSpec<unknown> }, "x")).toBe(false);
    expect(sent.warnings[0]).toContain('Refused a value for "N"');
    expect(v.accept("slider:N", { spec: s as WidgetSpec<unknown> }, 500)).toBe(true);
    expect(v.widgets.get("slider:N")).toBe(100);
    expect(changed).toBeUndefined();
    for (const callback of v.callbacks.splice(0)) callback();
    expect(changed).toBe(100);
  });

  it("adoptQuery: widgets bound to a name that changed forget their value", () => {
    const s = spec({ query: "n", key: "k" });
    const { v } = values({ query: { n: "3" } });
    v.resolve("key:k", s);
    v.remember("key:k", { spec: s as WidgetSpec<unknown> });
    expect(v.adoptQuery({ n: "3" })).toBe(false);
    expect(v.adoptQuery({ n: "8" })).toBe(true);
    expect(v.widgets.has("key:k")).toBe(false);
    expect("k" in v.state).toBe(false);
    expect(v.resolve("key:k", s)).toBe(8);
  });

  it("clearForms resets a form's widgets to their initial values and says what to show", () => {
    const s = spec();
    const { v } = values();
    v.remember("slider:N", { spec: s as WidgetSpec<unknown>, form: "form:f" });
    v.widgets.set("slider:N", 60);
    expect(v.clearForms(new Set(["form:other"]))).toEqual([]);
    expect(v.clearForms(new Set(["form:f"]))).toEqual([["slider:N", 5]]);
    expect(v.widgets.get("slider:N")).toBe(5);
  });

  it("snapshot carries widgets, state, query and page", () => {
    const { v } = values({ query: { a: "1" } });
    v.resolve("key:n", spec({ key: "n" }));
    expect(takeSnapshot(v, "p")).toEqual({ widgets: [["key:n", 5]], state: { n: 5 }, query: { a: "1" }, page: "p" });
  });
});
