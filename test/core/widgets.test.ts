import path from "node:path";
import { describe, expect, it } from "vitest";
import { testApp } from "../../packages/cli/src/testing.ts";

const fixture = (name: string): string => path.join(import.meta.dirname, "../fixtures", name);
const shown = async (app: Awaited<ReturnType<typeof testApp>>) => app.get("json").value as Record<string, unknown>;

describe("widgets (testApp)", () => {
  it("return their defaults on the first run", async () => {
    const app = await testApp(fixture("widgets.ts"));
    expect(await shown(app)).toEqual({
      checked: false,
      on: true,
      color: "green",
      city: "Paris",
      tags: ["b"],
      count: 4,
      range: [20, 80],
      size: "M",
      amount: 1,
      name: "Ada",
      notes: "",
      day: "2024-03-01T00:00:00.000Z",
      period: ["2024-01-01T00:00:00.000Z", "2024-01-31T00:00:00.000Z"],
      time: "09:30",
      paint: "#ff0000",
      file: null,
      clicked: false,
      saved: false,
    });
    app.close();
  });

  it("take values set like a viewer would, and keep them across reruns", async () => {
    const app = await testApp(fixture("widgets.ts"));
    app.checkbox("Check").set(true);
    app.toggle("Toggle").set(false);
    app.radio("Color").set("blue");
    app.select("City").set({ name: "Rome", pop: 3 });
    app.multiselect("Tags").set(["c", "a"]);
    app.slider("Count").set(7); // snapped to the step of 2
    app.slider("Range").set([90, 10]); // ordered
    app.selectSlider("Size").set("L");
    app.numberInput("Amount").set(99); // clamped to max
    app.textInput("Name").set("Grace");
    app.textArea("Notes").set("line 1\nline 2");
    app.dateInput("Day").set(new Date("2025-12-24T00:00:00Z"));
    app.timeInput("Time").set("23:59");
    app.colorPicker("Paint").set("#00AA00");
    await app.run();
    const values = await shown(app);
    expect(values).toMatchObject({
      checked: true,
      on: false,
      color: "blue",
      city: "Rome",
      tags: ["a", "c"],
      count: 8,
      range: [10, 90],
      size: "L",
      amount: 5,
      name: "Grace",
      notes: "line 1\nline 2",
      day: "2025-12-24T00:00:00.000Z",
      time: "23:59",
      paint: "#00aa00",
    });
    await app.run();
    expect(await shown(app)).toEqual(values);
    app.close();
  });

  it("buttons are true only on the run their click caused", async () => {
    const app = await testApp(fixture("widgets.ts"));
    app.button("Go").click();
    await app.run();
    expect((await shown(app)).clicked).toBe(true);
    await app.run();
    expect((await shown(app)).clicked).toBe(false);
    app.close();
  });

  it("refuses browser values that are not valid for the widget", async () => {
    const app = await testApp(fixture("widgets.ts"));
    expect(() => app.select("City").set({ name: "Oslo" })).toThrow(/not a valid value/);
    expect(() => app.timeInput("Time").set("25:00")).toThrow(/not a valid value/);
    app.close();
  });

  it("file uploads respect maxBytes and reach the script", async () => {
    const app = await testApp(fixture("widgets.ts"));
    app.upload("Data", [{ name: "big.txt", bytes: "01234567890" }]);
    expect(app.messages.some((m) => m.t === "uploadError" && /limit is 10 B/.test(m.message))).toBe(true);
    app.upload("Data", [{ name: "ok.txt", bytes: "hi" }]);
    await app.run();
    expect((await shown(app)).file).toBe("ok.txt:hi");
    expect(app.get("fileUploader", "Data").value).toEqual([{ name: "ok.txt", size: 2 }]);
    app.close();
  });

  it("download buttons send their data once, by hash", async () => {
    const app = await testApp(fixture("widgets.ts"));
    const hash = (app.get("downloadButton", "Save").props.data as { $data: string }).$data;
    expect(new TextDecoder().decode(app.data.get(hash))).toBe("a,b\n1,2\n");
    const frames = app.framesSent;
    app.checkbox("Check").set(true);
    await app.run();
    expect(app.framesSent).toBe(frames);
    app.close();
  });
});

describe("display elements and layout (testApp)", () => {
  it("render every element with its props", async () => {
    const app = await testApp(fixture("elements.ts"));
    expect(app.get("title").value).toBe("Title");
    expect(app.get("header").value).toBe("Header");
    expect(app.get("subheader").value).toBe("Subheader");
    expect(app.get("markdown").value).toContain("**bold**");
    expect(app.main.find((e) => e.type === "text")?.value).toBe("plain <b>text</b>");
    expect(app.get("code").props).toMatchObject({ source: "SELECT 1", language: "sql" });
    expect(app.get("json").value).toEqual({ big: "12345678901234567890", when: "1970-01-01T00:00:00.000Z", set: [1] });
    expect(app.get("metric", "Revenue").props).toMatchObject({ value: 1200, delta: -3, deltaColor: "inverse" });
    expect(app.getAll("alert").map((a) => a.props.kind)).toEqual(["info", "success", "warning", "error"]);
    expect(app.get("exception").props).toMatchObject({ name: "RangeError", message: "bad range" });
    expect(String(app.get("image").props.src)).toMatch(/^data:image\/png;base64,/);
    expect(app.get("progress").props).toEqual({ value: 0.7, text: "almost" });
    expect(app.getAll("spinner")).toHaveLength(0);
    expect(app.messages).toContainEqual({ t: "toast", message: "hello toast" });
    const slot = app.get("empty");
    expect(slot.children.map((c) => c.type)).toEqual(["metric"]);
    const [a, b] = app.get("columns").children;
    expect(app.get("columns").props.weights).toEqual([2, 1]);
    expect(a!.children[0]!.value).toBe("in a");
    expect(b!.children[0]!.value).toBe("in b");
    expect(app.get("tabs").children.map((t) => t.children[0]!.value)).toEqual(["tab one", "tab two"]);
    expect(app.get("expander").children[0]!.value).toBe("inside");
    expect(app.get("container").children[0]!.value).toBe("contained");
    expect(app.sidebar.map((e) => e.value)).toEqual(["side"]);
    app.close();
  });
});

describe("big tables", () => {
  it("send their first rows with the patch and the whole table right after it", async () => {
    const app = await testApp(fixture("big-table.ts"));
    const props = app.get("table").props as { head: { $data: string }; data: { $data: string }; rows: number };
    expect(props.rows).toBe(50_000);
    expect(app.data.has(props.head.$data)).toBe(true);
    expect(app.data.has(props.data.$data)).toBe(true);
    // The head is small, the full table is not: the page never waits for the big one.
    expect(app.data.get(props.head.$data)!.length).toBeLessThan(app.data.get(props.data.$data)!.length / 10);
    const order = app.sent.filter((item) => item === "patch" || item === props.head.$data || item === props.data.$data);
    expect(order.slice(0, 3)).toEqual([props.head.$data, "patch", props.data.$data]);
    app.close();
  });
});

describe("data blobs", () => {
  it("the page stopped showing stay in the browser for a while: going back sends none again", async () => {
    const app = await testApp(fixture("data-churn.ts"));
    const frames = app.framesSent;
    app.slider("Rows").set(2);
    await app.run();
    expect(app.framesSent).toBe(frames + 1);
    app.slider("Rows").set(1); // back to the first table: the browser still holds it
    await app.run();
    expect(app.framesSent).toBe(frames + 1);
    expect(app.data.size).toBe(3);
    app.close();
  });

  it("are released when the page no longer shows them, also when only a fragment reruns", async () => {
    const app = await testApp(fixture("data-churn.ts"));
    expect(app.data.size).toBe(2);
    for (let n = 2; n <= 50; n++) {
      app.slider("Rows").set(n);
      await app.run();
      app.slider("Inner rows").set(n);
      await app.run();
    }
    // 98 tables shown and gone: the browser keeps the 64 it saw last and was told to drop the others.
    expect(app.data.size).toBe(2 + 64);
    const table = app.getAll("table").map((t) => (t.props.data as { $data: string }).$data);
    for (const hash of table) expect(app.data.has(hash)).toBe(true);
    // The oldest are gone: showing one again sends it again.
    const frames = app.framesSent;
    app.slider("Rows").set(1);
    await app.run();
    expect(app.framesSent).toBe(frames + 1);
    app.close();
  });

  it("kept in the browser stay within 8 MB", async () => {
    const app = await testApp(fixture("data-churn.ts"));
    // Two tables of ~3 MB each and one of ~5 MB: past 8 MB, the oldest goes.
    for (const n of [400_000, 410_000, 700_000, 1]) {
      app.slider("Rows").set(n);
      await app.run();
    }
    const sizes = [...app.data.values()].map((bytes) => bytes.length);
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(5 * 1024 * 1024); // the last big one stays
    expect(total).toBeLessThan(8 * 1024 * 1024 + 64 * 1024);
    app.close();
  });
});
