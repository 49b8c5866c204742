/**
 * The script model as a Streamlit user expects it (issue 14): each app here is a port of one of
 * Streamlit's own end-to-end tests.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { testApp } from "../../packages/cli/src/testing.ts";

const fixture = (name: string): string => path.join(import.meta.dirname, "../fixtures", name);
const texts = (app: Awaited<ReturnType<typeof testApp>>) => app.getAll("text").map((t) => t.value);

describe("the script model, as in Streamlit", () => {
  it("a keyed widget that was not rendered forgets its value, and its mirror in state goes with it", async () => {
    const app = await testApp(fixture("keyed-redisplay.ts"));
    app.checkbox("Display widgets").set(true);
    await app.run();
    app.checkbox("Show goodbye").set(true);
    await app.run();
    expect(texts(app)).toEqual(["c3 in state: true", "goodbye"]);
    app.checkbox("Display widgets").set(false);
    await app.run(); // (the widget is forgotten at the end of the run that did not draw it)
    app.checkbox("Display widgets").set(true);
    await app.run();
    expect(texts(app)).toEqual(["c3 in state: false"]);
    expect(app.checkbox("Show goodbye").value).toBe(false);
    expect(app.state.c3).toBe(false);
    app.close();
  });
});

describe("one run at a time", () => {
  const runLog = (): string[] => ((globalThis as { __runLog?: string[] }).__runLog ??= []);
  const until = async (condition: () => boolean): Promise<void> => {
    for (let i = 0; i < 400 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    if (!condition()) throw new Error("timed out waiting");
  };

  it("an interrupted run neither reads nor writes state, and the new run starts only after it has stopped", async () => {
    runLog().length = 0;
    const app = await testApp(fixture("concurrent.ts"));
    expect(app.state.counter).toBe(10);
    app.button("Go").click();
    const interrupted = app.run();
    await until(() => runLog().includes("run 2 counter 13")); // in its loop, between two plain awaits
    app.button("Go").click();
    await app.run();
    await interrupted;
    const shown = texts(app);
    const first = shown.find((t) => String(t).startsWith("first:"));
    expect(shown.find((t) => String(t).startsWith("second:"))).toBe(String(first).replace("first", "second"));
    expect(app.state.counter).toBe(Number(String(first).slice("first: ".length)) + 10);
    // Woken after its cancellation, the interrupted run could not change the counter any more.
    expect(runLog()).toContain("run 2 counter 13");
    expect(runLog()).not.toContain("run 2 counter 14");
    // Each run ended before the next one began.
    expect(runLog().filter((line) => !line.includes("counter"))).toEqual(["begin 1", "end 1", "begin 2", "end 2", "begin 3", "end 3"]);
    app.close();
  });
});

describe("a run that never stops", () => {
  it("is left behind after 10 s: the next input still runs", async () => {
    const app = await testApp(fixture("hang.ts"), { timeout: 30 });
    app.checkbox("Hang").set(true);
    const hung = app.run();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(texts(app)).toEqual(["hanging"]);
    app.checkbox("Hang").set(false);
    const started = Date.now();
    await app.run();
    await hung;
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_000);
    expect(texts(app)).toEqual(["done"]);
    app.close();
  }, 40_000);
});

describe("rerun() and stop() inside try/catch", () => {
  it("a rerun the script asked for happens even when the author's catch took the signal", async () => {
    const app = await testApp(fixture("rerun-in-try.ts"));
    expect(texts(app)).toEqual(["count 1", "end"]);
    app.checkbox("Rerun until 4").set(true);
    await app.run();
    for (let i = 0; i < 200 && app.state.count !== 4; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 100)); // (and no fifth run)
    expect(app.state.count).toBe(4);
    expect(texts(app)).toEqual(["count 4", "after the catch", "end"]);
    app.close();
  });

  it("stop() ends the run even when the author's catch took the signal", async () => {
    const app = await testApp(fixture("rerun-in-try.ts"));
    app.checkbox("Stop").set(true);
    await app.run();
    expect(texts(app)).toEqual(["count 2"]);
    expect(app.exceptions).toHaveLength(0);
    app.close();
  });
});

describe("expanders and tabs are known by their label, not their position", () => {
  it("another button's expander in the same place is a different element; equal labels are told apart", async () => {
    const app = await testApp(fixture("expander-identity.ts"));
    const first = app.get("expander", "Details A").id;
    const firstTabs = app.get("tabs").id;
    const firstTab = app.get("tab", "One").id;
    app.button("Show B").click();
    await app.run();
    expect(texts(app)).toContain("inside B");
    expect(app.get("expander", "Details B").id).not.toBe(first);
    expect(app.get("tabs").id).not.toBe(firstTabs);
    expect(app.get("tab", "Uno").id).not.toBe(firstTab);
    const same = app.getAll("expander", "Same").map((e) => e.id);
    expect(same).toHaveLength(2);
    expect(same[0]).not.toBe(same[1]);
    app.button("Show A").click();
    await app.run();
    expect(app.get("expander", "Details A").id).toBe(first);
    app.close();
  });
});
