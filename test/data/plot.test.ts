// The Plot mirror builds a JSON spec on the server; quick charts turn bad input into messages.
import { tableFromIPC } from "apache-arrow";
import { parseHTML } from "linkedom";
import { describe, expect, test } from "vitest";
import { Plot, serializeSpec } from "../../packages/widgets/src/plot.ts";
import { renderPlot } from "../../packages/widgets/src/client/plotSpec.ts";
import { testApp, type TestApp } from "../../packages/cli/src/testing.ts";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const rows = [
  { year: 2000, pm10: 30, site: "a" },
  { year: 2001, pm10: 28, site: "b" },
];

/** An axis' tick labels of a spec the app built, drawn by Observable Plot at `width` (in linkedom). */
function tickLabels(app: TestApp, spec: unknown, width: number, axis: "x" | "y" = "x"): string[] {
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  const resolve = (hash: string): unknown => tableFromIPC(app.data.get(hash)!);
  const figure = renderPlot(spec as never, resolve, { width, height: 200, document: document as unknown as Document });
  return [...figure.querySelectorAll(`[aria-label="${axis}-axis tick label"] text`)].map((t) => t.textContent ?? "");
}

describe("serializeSpec", () => {
  test("marks, transforms, scale options and inline data", () => {
    const spec = serializeSpec(null, {
      marks: [
        Plot.lineY(rows, { x: "year", y: "pm10", stroke: "site", tip: true }),
        Plot.ruleY([0]),
        Plot.rectY(rows, Plot.binX({ y: "count" }, { x: "pm10" })),
        Plot.frame(),
      ],
      x: { type: "log" },
      color: { legend: true },
      y: { domain: [new Date(0), new Date(1000)] },
    });
    expect(spec).toEqual({
      x: { type: "log" },
      color: { legend: true },
      y: { domain: [{ $date: 0 }, { $date: 1000 }] },
      marks: [
        { mark: "lineY", data: { $rows: 2 }, options: { x: "year", y: "pm10", stroke: "site", tip: true } },
        { mark: "ruleY", data: [0] },
        { mark: "rectY", data: { $rows: 2 }, options: { $fn: "binX", args: [{ y: "count" }, { x: "pm10" }] } },
        { mark: "frame" },
      ],
    });
  });

  test("a function channel becomes a column computed on the server", () => {
    const spec = serializeSpec(null, { marks: [Plot.dot(rows, { x: "year", y: (d: { pm10: number }) => d.pm10 * 2 })] }) as {
      marks: { data: unknown; options: { y: unknown } }[];
    };
    // The mark keeps its own data; the values travel as a table of their own.
    expect(spec.marks[0]!.data).toEqual({ $rows: 2 });
    expect(spec.marks[0]!.options.y).toEqual({ $column: "$y", of: { $rows: 2 } });
  });

  test("functions that cannot travel are refused, naming the option", () => {
    expect(() => serializeSpec(null, { marks: [Plot.lineY(rows, { x: "year", y: "pm10", sort: (a: unknown, b: unknown) => Number(a) - Number(b) })] })).toThrow(
      /option "sort" is a function/,
    );
    expect(() => serializeSpec(null, { marks: [], x: { tickFormat: (d: number) => `${d}` } })).toThrow(/x\.tickFormat is a function/);
    expect(() => serializeSpec(null, { marks: [Plot.rectY(rows, Plot.binX({ y: (v: unknown[]) => v.length }, { x: "pm10" }))] })).toThrow(/binX/);
  });
});

describe("quick charts: bad input is a message in the element", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "dash-charts-"));
  const script = (body: string): string => {
    const file = path.join(dir, `app${Math.random().toString(36).slice(2)}.ts`);
    writeFileSync(file, `import * as dash from "dash";\n${body}\n`);
    return file;
  };
  const errorOf = async (body: string): Promise<string> => {
    const app = await testApp(script(body), { timeout: 60 });
    expect(app.exceptions).toEqual([]);
    const element = app.elements.find((e) => e.type === "chart" || e.type === "table" || e.type === "plot")!;
    return String(element.props.error ?? "");
  };

  test("a missing column names the columns that exist", async () => {
    expect(await errorOf(`dash.lineChart([{ year: 1, pm10: 2 }], { x: "year", y: "pm25" });`)).toMatch(/no column "pm25".*"year", "pm10"/);
  });
  test("a non-numeric y", async () => {
    expect(await errorOf(`dash.lineChart([{ year: 1, city: "x" }], { x: "year", y: "city" });`)).toMatch(/"city" holds text \(Utf8\), not numbers/);
    // Said in words, whatever Arrow type holds them (dictionary-encoded text, booleans).
    expect(await errorOf(`dash.lineChart([{ year: 1, ok: true }], { x: "year", y: "ok" });`)).toMatch(/"ok" holds true\/false values \(Bool\), not numbers/);
    expect(await errorOf(`dash.scatterChart({ a: [1], b: [2], c: ["x"] }, { x: "a", y: "b", size: "c" });`)).toMatch(/size column "c" holds text/);
    expect(await errorOf(`dash.lineChart({ a: ["x"], b: ["y"] }, { x: "a" });`)).toMatch(/no numeric column.*"b": text/);
  });
  test("an empty table", async () => {
    expect(await errorOf(`dash.barChart({ a: [], b: [] }, { x: "a", y: "b" });`)).toMatch(/no rows/);
  });
  test("ten million rows to a bar chart", async () => {
    expect(await errorOf(`dash.barChart({ x: new Float64Array(10_000_000), y: new Float64Array(10_000_000) });`)).toMatch(/10,000,000 rows.*aggregate first/);
  });
  test("a plot option that cannot be serialized", async () => {
    expect(await errorOf(`dash.plot({ marks: [dash.Plot.dot([{ a: 1 }], { x: "a", sort: (a: number, b: number) => a - b })] });`)).toMatch(
      /option "sort" is a function/,
    );
  });
  test("a 10,000,000-point line is downsampled to the chart's pixel columns", async () => {
    const app = await testApp(
      script(
        `const n = 10_000_000; const x = new Float64Array(n); const y = new Float64Array(n); for (let i = 0; i < n; i++) { x[i] = i; y[i] = Math.sin(i / 1e5); } dash.lineChart({ x, y });`,
      ),
      { timeout: 60 },
    );
    const chart = app.get("chart");
    expect(chart.props.columns).toBe(960);
    const bytes = [...app.data.values()].map((b) => b.length);
    expect(Math.max(...bytes)).toBeLessThanOrEqual(64 * 1024);
  });
  test("bars at an even step, more than the chart's pixel columns, are drawn as one stepped area", async () => {
    const days = `const date = Array.from({ length: 366 }, (_, i) => new Date(Date.UTC(2016, 0, 1 + i))); const prcp = date.map((_, i) => (i % 7) / 10);`;
    const app = await testApp(script(`${days} dash.barChart({ date, prcp }, { x: "date", y: "prcp" });`), { timeout: 60 });
    const marks = (): string[] => (app.get("chart").props.spec as { marks: { mark: string }[] }).marks.map((m) => m.mark);
    expect(marks()).toEqual(["rectY", "ruleY"]); // 960 px (before the browser said): a rect per day
    expect(app.get("chart").props.columns).toBe(960); // so the browser reports its width
    app.widget("chart", "page#0 bar").set(250);
    await app.run();
    expect(marks()).toEqual(["areaY", "ruleY"]);
    // A day missing: bars again (a stepped area would bridge the gap).
    const gappy = await testApp(script(`${days} date.splice(100, 1); prcp.pop(); dash.barChart({ date, prcp }, { x: "date", y: "prcp" });`), { timeout: 60 });
    gappy.widget("chart", "page#0 bar").set(250);
    await gappy.run();
    expect((gappy.get("chart").props.spec as { marks: { mark: string }[] }).marks[0]!.mark).toBe("rectY");
    // A missing date (null): bars too.
    const missing = await testApp(script(`${days} (date as (Date | null)[])[200] = null; dash.barChart({ date, prcp }, { x: "date", y: "prcp" });`), {
      timeout: 60,
    });
    missing.widget("chart", "page#0 bar").set(250);
    await missing.run();
    expect((missing.get("chart").props.spec as { marks: { mark: string }[] }).marks[0]!.mark).toBe("rectY");
  });
  test("a downsampled stacked area keeps its series aligned (the same x in each)", async () => {
    const app = await testApp(
      script(
        `const n = 30_000; const x: number[] = [], y: number[] = [], s: string[] = [];
         for (const name of ["a", "b", "c"]) for (let i = 0; i < n; i++) { x.push(i); y.push(Math.abs(Math.sin(i / 500 + name.charCodeAt(0)))); s.push(name); }
         dash.areaChart({ x, y, s }, { x: "x", y: "y", color: "s" });`,
      ),
      { timeout: 60 },
    );
    const chart = app.get("chart");
    expect(chart.props.columns).toBe(960);
    const ref = (chart.props.spec as { marks: { data: { $data: string } }[] }).marks[0]!.data.$data;
    const table = tableFromIPC(app.data.get(ref)!);
    const xsOf = (name: string): number[] =>
      table
        .toArray()
        .filter((r) => r.s === name)
        .map((r) => Number(r.x));
    expect(xsOf("a").length).toBeLessThan(5_000); // downsampled from 30,000
    expect(xsOf("b")).toEqual(xsOf("a"));
    expect(xsOf("c")).toEqual(xsOf("a"));
  });
  test("grouped bars over dates: a facet per date, a bar per series", async () => {
    const app = await testApp(
      script(
        `const date = [0, 1, 2].flatMap((d) => [new Date(Date.UTC(2024, 0, 1 + d)), new Date(Date.UTC(2024, 0, 1 + d))]);
         dash.barChart({ date, v: [1, 2, 3, 4, 5, 6], kind: ["a", "b", "a", "b", "a", "b"] }, { x: "date", y: "v", color: "kind", stack: false });`,
      ),
      { timeout: 60 },
    );
    const mark = (app.get("chart").props.spec as { marks: { mark: string; options: Record<string, unknown> }[] }).marks[0]!;
    expect(mark.mark).toBe("barY");
    expect(mark.options).toMatchObject({ fx: "date", x: "kind" });
    expect((app.get("chart").props.spec as { fx: unknown }).fx).toMatchObject({ tickFormat: { $const: "formatIsoDate" } }); // dates, not numbers
  });
  test("a function channel's values travel apart: the mark's table is shared and not sent again", async () => {
    const app = await testApp(
      script(
        `const rows = (globalThis as any).__air ??= Array.from({ length: 5_000 }, (_, i) => ({ year: i, pm10: i % 70 }));
         dash.slider("n");
         dash.plot({ marks: [dash.Plot.lineY(rows, { x: "year", y: "pm10" }), dash.Plot.dot(rows, { x: "year", y: "pm10", fill: (d: { pm10: number }) => (d.pm10 > 40 ? "high" : "ok") })] });`,
      ),
      { timeout: 60 },
    );
    const [line, dot] = (app.get("plot").props.spec as { marks: { data: { $data: string }; options: Record<string, unknown> }[] }).marks;
    expect(dot!.data.$data).toBe(line!.data.$data);
    const fill = dot!.options.fill as { $column: string; of: { $data: string } };
    expect(fill.$column).toBe("$fill");
    const values = tableFromIPC(app.data.get(fill.of.$data)!);
    expect(values.schema.fields.map((f) => f.name)).toEqual(["$fill"]);
    expect(values.getChild("$fill")!.get(41)).toBe("high");
    // A rerun with the same rows: the values are computed again, but nothing new crosses the wire.
    const before = app.bytesSent;
    app.slider("n").set(5);
    await app.run();
    expect(app.bytesSent - before).toBeLessThan(1000);
  });
  test("a time axis keeps at least four ticks on a narrow chart", async () => {
    const app = await testApp(
      script(
        `const date = Array.from({ length: 366 }, (_, i) => new Date(Date.UTC(2016, 0, 1 + i))); dash.lineChart({ date, t: date.map((_, i) => Math.sin(i / 30)) }, { x: "date", y: "t" });`,
      ),
      { timeout: 60 },
    );
    const spec = app.get("chart").props.spec as { x: { type?: string } };
    expect(spec.x.type).toBe("utc");
    expect(tickLabels(app, spec, 215).length).toBeGreaterThanOrEqual(4); // Plot alone: one tick ("2016") at this width
    expect(tickLabels(app, spec, 960).length).toBeGreaterThan(8);
  });
  test("a chart of one point writes plain ticks around it, not one tick with six decimals", async () => {
    const app = await testApp(
      script(`dash.lineChart({ x: [1], y: [2] }, { x: "x", y: "y" }); dash.scatterChart({ a: [5, 5], b: [0, 0] }, { x: "a", y: "b" });`),
      {
        timeout: 60,
      },
    );
    const [line, scatter] = app.getAll("chart").map((c) => c.props.spec);
    for (const [spec, axis] of [
      [line, "x"],
      [line, "y"],
      [scatter, "x"],
      [scatter, "y"],
    ] as const) {
      const labels = tickLabels(app, spec, 600, axis);
      expect(labels.length, `${axis}: ${labels.join(" ")}`).toBeGreaterThan(2);
      for (const label of labels) expect(label).not.toMatch(/\.0{3}/);
    }
    expect(tickLabels(app, line, 600, "y")).toContain("2.0");
  });
  test("bar charts make room for long category names (down the left, or slanted along the bottom)", async () => {
    const names = [
      "North America West",
      "South America",
      "Western Europe",
      "Eastern Europe",
      "Middle East",
      "North Africa",
      "Sub-Saharan Africa",
      "South Asia",
      "East Asia",
      "Southeast Asia",
      "Oceania",
      "Central Asia",
      "Caribbean",
    ];
    const app = await testApp(
      script(
        `const names = ["North America West", "South America", "Western Europe", "Eastern Europe", "Middle East", "North Africa", "Sub-Saharan Africa", "South Asia", "East Asia", "Southeast Asia", "Oceania", "Central Asia", "Caribbean"]; const rows = names.map((place, i) => ({ place, sales: i + 1 })); dash.barChart(rows, { x: "place", y: "sales", horizontal: true }); dash.barChart(rows, { x: "place", y: "sales" }); dash.barChart(rows.slice(0, 3).map((r, i) => ({ ...r, place: String(i) })), { x: "place", y: "sales", horizontal: true });`,
      ),
      { timeout: 60 },
    );
    const [across, slanted, short] = app
      .getAll("chart")
      .map((node) => node.props.spec as { marginLeft?: number; marginBottom?: number; y?: { labelAnchor?: string } });
    // "Sub-Saharan Africa": 18 characters of 10 px text, about 110 px (Plot's default margin: 40).
    expect(across!.marginLeft).toBeGreaterThanOrEqual(110);
    expect(across!.y!.labelAnchor).toBe("top");
    expect(slanted!.marginBottom).toBeGreaterThan(90);
    expect(short!.marginLeft).toBe(40);
    // Named categories keep the data's order (Plot alone sorts them by name).
    const domain = (spec: unknown, channel: string): unknown => (spec as Record<string, { domain?: unknown }>)[channel]!.domain;
    expect(domain(slanted, "x")).toEqual(names);
    expect(domain(across, "y")).toEqual(names);
  });
  test("a number axis keeps at least three ticks on a narrow chart; bars over numbers stay categories", async () => {
    const app = await testApp(
      script(
        `const year = Array.from({ length: 27 }, (_, i) => 1990 + i); dash.lineChart({ year, v: year.map((y) => y % 7) }, { x: "year", y: "v" }); dash.barChart({ n: [1, 2, 3], v: [4, 5, 6] }, { x: "n", y: "v" });`,
      ),
      { timeout: 60 },
    );
    const [line, bars] = app.getAll("chart").map((node) => node.props.spec as { x: { type?: string } });
    expect(line!.x.type).toBe("linear");
    // One series is drawn in the theme's accent (as bars, areas and dots are), not black.
    const options = (line as unknown as { marks: { options: { stroke?: string; tip?: unknown } }[] }).marks[0]!.options;
    expect(options.stroke).toBe("var(--accent, steelblue)");
    // Years show as years in the tooltip too (Plot's default: "2,002").
    expect(options.tip).toEqual({ format: { x: "d" } });
    expect(bars!.x.type).toBeUndefined();
    expect(tickLabels(app, line, 170)).toEqual(["1990", "2000", "2010"]); // Plot alone: "2000"
    expect(tickLabels(app, line, 960).length).toBeGreaterThan(8);
  });
  test("axes over big numbers say them short (2B, 1.58T), so their labels fit", async () => {
    const app = await testApp(
      script(
        `const rows = Array.from({ length: 50 }, (_, i) => ({ id: 1_580_000_000_000 + i * 2_000_000_000, pop: i * 40_000_000, small: i * 1000 }));
         dash.lineChart(rows, { x: "id", y: "pop" });
         dash.lineChart(rows, { x: "small", y: "small" });
         dash.barChart({ q: ["a", "a", "b", "b"], v: [600_000, 500_000, 1, 2], s: ["x", "y", "x", "y"] }, { x: "q", y: "v", color: "s" });
         dash.barChart({ q: ["a", "b"], v: [600_000, 500_000] }, { x: "q", y: "v" });
         dash.barChart({ q: ["a", "b"], v: [3e9, -2e9] }, { x: "q", y: "v", horizontal: true });`,
      ),
      { timeout: 60 },
    );
    const [big, small, stacked, single, across] = app.getAll("chart").map((node) => node.props.spec as Record<string, { tickFormat?: unknown }>);
    expect(tickLabels(app, big, 400, "y")).toEqual(["0", "500M", "1B", "1.5B", "2B"]); // written out: "2,000,000,000"
    const xs = tickLabels(app, big, 400);
    expect(xs.length).toBeGreaterThanOrEqual(3);
    for (const label of xs) expect(label).toMatch(/^1\.\d+T$/); // written out: "1,580,000,000,000"
    // Below a million, numbers are written out as before.
    expect(small!.x!.tickFormat).toBeUndefined();
    expect(small!.y!.tickFormat).toBeUndefined();
    expect(tickLabels(app, small, 400, "y")).toContain("40,000");
    // Stacked bars reach past a million though no bar does; side by side they would not.
    expect(stacked!.y!.tickFormat).toEqual({ $format: "short" });
    expect(single!.y!.tickFormat).toBeUndefined();
    // Horizontal bars: the value axis is x; negative values too.
    expect(tickLabels(app, across, 400)).toContain("−2B");
  });
  test("unchanged data is not sent again; two elements with the same table send it once", async () => {
    const app = await testApp(
      script(
        `const rows = (globalThis as any).__rows ??= Array.from({ length: 50_000 }, (_, i) => ({ i, v: i * 2 })); dash.table(rows); dash.scatterChart(rows, { x: "i", y: "v" }); dash.slider("n");`,
      ),
      { timeout: 60 },
    );
    // One blob for the table and the chart, plus the table's first rows (sent ahead of a big table).
    const table = app.get("table").props as { data: { $data: string }; head: { $data: string } };
    expect([...app.data.keys()].sort()).toEqual([table.data.$data, table.head.$data].sort());
    const before = app.bytesSent;
    app.slider("n").set(5);
    await app.run();
    expect(app.bytesSent - before).toBeLessThan(2000);
  });
});

describe("links in charts", () => {
  test("an href channel keeps http(s), mailto: and relative links and drops javascript:, data: and vbscript:", async () => {
    const urls = [
      "https://example.com/a",
      "http://example.com/b",
      "mailto:a@example.com",
      "/relative/c",
      "d?e=1",
      "javascript:window.__xss=1",
      " JavaScript:window.__xss=2",
      "java\tscript:window.__xss=3",
      "data:text/html,<script>window.__xss=4</script>",
      "vbscript:msgbox(5)",
    ];
    const file = path.join(mkdtempSync(path.join(tmpdir(), "dash-links-")), "app.ts");
    writeFileSync(
      file,
      `import * as dash from "dash";\nimport { Plot } from "dash";\nconst urls = ${JSON.stringify(urls)};\ndash.plot(Plot.dot(urls.map((url, i) => ({ x: i, y: i, url })), { x: "x", y: "y", href: "url" }));\n`,
    );
    const app = await testApp(file, { timeout: 60 });
    expect(app.exceptions).toEqual([]);
    const { document } = parseHTML("<!doctype html><html><body></body></html>");
    const resolve = (hash: string): unknown => tableFromIPC(app.data.get(hash)!);
    const figure = renderPlot(app.get("plot").props.spec as never, resolve, { width: 300, height: 200, document: document as unknown as Document });
    const links = [...figure.querySelectorAll("a")];
    expect(links).toHaveLength(urls.length);
    expect(links.map((a) => a.getAttribute("href"))).toEqual([...urls.slice(0, 5), null, null, null, null, null]);
  });
});
