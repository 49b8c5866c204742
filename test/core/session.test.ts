import path from "node:path";
import { describe, expect, it } from "vitest";
import { testApp } from "../../packages/cli/src/testing.ts";

const fixture = (name: string): string => path.join(import.meta.dirname, "../fixtures", name);
const texts = (app: Awaited<ReturnType<typeof testApp>>) => app.getAll("text").map((t) => t.value);

describe("the script model", () => {
  it("a new input interrupts a running run; its output never appears after the new run's", async () => {
    const app = await testApp(fixture("interrupt.ts"));
    expect(texts(app)).toEqual(["start 0", "end 0"]);
    app.slider("N").set(1); // this run waits 300 ms
    const slow = app.run();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // while it waits, the previous run's output that it has not reached yet is stale
    expect(app.getAll("text").map((t) => [t.value, t.stale])).toEqual([
      ["start 1", false],
      ["end 0", true],
    ]);
    app.slider("N").set(2);
    await app.run();
    await slow.catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(texts(app)).toEqual(["start 2", "end 2"]);
    expect(JSON.stringify(app.messages)).not.toContain("end 1");
    app.close();
  });

  it("many quick inputs end in the state of the last one", async () => {
    const app = await testApp(fixture("interrupt.ts"));
    for (const n of [3, 4, 5, 6, 7]) app.slider("N").set(n);
    await app.run();
    expect(texts(app)).toEqual(["start 7", "end 7"]);
    app.close();
  });

  it("two widgets with the same identity are an error naming both call sites", async () => {
    const app = await testApp(fixture("duplicate.ts"));
    const error = app.get("exception");
    expect(error.props.message).toMatch(/Two slider widgets have the same label "Same": at .*duplicate\.ts:3 and at .*duplicate\.ts:5/);
    app.close();
  });

  it("an exception shows message and author's line, and keeps the last good output", async () => {
    const app = await testApp(fixture("failing.ts"));
    expect(texts(app)).toEqual(["before", "after"]);
    app.checkbox("Fail").set(true);
    await app.run();
    const error = app.get("exception");
    expect(error.props).toMatchObject({ message: "boom", line: 5 });
    expect(String(error.props.file)).toMatch(/failing\.ts$/);
    expect(texts(app)).toEqual(["before", "after"]); // "after" kept (stale) from the last good run
    app.checkbox("Fail").set(false);
    await app.run();
    expect(app.getAll("exception")).toHaveLength(0);
    app.close();
  });

  it("state persists, keyed widgets mirror into state, and setting state sets the widget", async () => {
    const app = await testApp(fixture("control.ts"));
    expect(app.state).toMatchObject({ runs: 1, level: 5 });
    app.slider("Level").set(8);
    await app.run();
    expect(app.state).toMatchObject({ runs: 2, level: 8, changedTo: 8 });
    app.button("Reset").click();
    await app.run();
    expect(app.get("slider", "Level").value).toBe(0);
    expect(texts(app)).toContain("level 0");
    app.close();
  });

  it("query-bound widgets read and write the URL; invalid values fall back with a warning", async () => {
    const app = await testApp(fixture("control.ts"), { query: { state: "TX" } });
    expect(texts(app)).toContain("state TX");
    app.select("State").set("NY");
    await app.run();
    expect(app.query).toEqual({ state: "NY", extra: "yes" });
    const bad = await testApp(fixture("control.ts"), { query: { state: "ZZ" } });
    expect(texts(bad)).toContain("state CA");
    expect(bad.messages.some((m) => m.t === "warning" && m.message.includes('state="ZZ"'))).toBe(true);
    app.close();
    bad.close();
  });

  it("forms hold edits until submit, then apply them in one run", async () => {
    const app = await testApp(fixture("control.ts"));
    expect(texts(app)).toContain("form false  1");
    app.textInput("Search").set("dash");
    app.numberInput("Min").set(3);
    app.widget("form", "filters").click();
    await app.run();
    expect(texts(app)).toContain("form true dash 3");
    app.close();
  });

  it("a form with clearOnSubmit gives the run its values, then shows its defaults again", async () => {
    const app = await testApp(fixture("control.ts"));
    app.textInput("Message").set("hi there");
    app.widget("form", "guestbook").click();
    await app.run();
    expect(app.state.lastMessage).toBe("hi there");
    expect(app.get("textInput", "Message").value).toBe("");
    app.close();
  });

  it("a fragment reruns alone on its own widget", async () => {
    const app = await testApp(fixture("control.ts"));
    expect(texts(app)).toContain("inner 0 runs 1");
    app.slider("Inner").set(2);
    await app.run();
    expect(texts(app)).toContain("inner 2 runs 1"); // the script around it did not rerun
    expect(app.state.runs).toBe(1);
    app.close();
  });

  it("stop() ends the run and keeps what was drawn", async () => {
    const app = await testApp(fixture("control.ts"));
    expect(texts(app)).toContain("end");
    app.slider("Level").set(9);
    await app.run();
    expect(texts(app)).not.toContain("end");
    expect(app.getAll("exception")).toHaveLength(0);
    app.close();
  });

  it("markup in labels and text stays text (the browser renders it as text; markdown is sanitized there)", async () => {
    const app = await testApp(fixture("xss.ts"));
    expect(app.get("title").value).toContain("<script>");
    expect(app.get("checkbox").label).toContain("onerror");
    app.close();
  });
});
