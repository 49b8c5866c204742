// The SVG each example chart draws, rendered by Observable Plot in Node over a small DOM
// (linkedom) from the spec and Arrow data the server sends. Stored outputs live in
// test/data/snapshots/; a missing one fails. Write them with UPDATE_SNAPSHOTS=1.
import { tableFromIPC } from "apache-arrow";
import { parseHTML } from "linkedom";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import type { Json } from "../../packages/runtime/src/protocol.ts";
import { testApp } from "../../packages/cli/src/testing.ts";
import { renderPlot } from "../../packages/widgets/src/client/plotSpec.ts";

// The air-quality example draws its bundled sample data, even where GOOGLE_CLOUD_PROJECT is set.
process.env.AIR_QUALITY_DATA = "sample";
const dir = path.join(import.meta.dirname, "snapshots");
const update = process.env.UPDATE_SNAPSHOTS === "1";

/** Plot's class names carry a random suffix; make them stable. */
function normalize(svg: string): string {
  return svg.replace(/plot-[0-9a-f]{6}/g, "plot-x").replace(/(\d+\.\d{3})\d+/g, "$1") + "\n";
}

async function snapshots(example: string, setup?: (app: Awaited<ReturnType<typeof testApp>>) => Promise<void>): Promise<[string, string][]> {
  const app = await testApp(path.join("examples", example, "app.ts"), { timeout: 60 });
  await setup?.(app);
  const tables = new Map<string, unknown>();
  const resolve = (hash: string): unknown => {
    if (!tables.has(hash)) tables.set(hash, tableFromIPC(app.data.get(hash)!));
    return tables.get(hash);
  };
  const figures = app.elements.filter((e) => e.type === "chart" || e.type === "plot");
  return figures.map((element, i) => {
    expect(element.props.error).toBeUndefined();
    const { document } = parseHTML("<!doctype html><html><body></body></html>");
    const figure = renderPlot(element.props.spec as Json, resolve, {
      width: 640,
      height: element.props.height as number | undefined,
      document: document as unknown as Document,
    });
    return [`${example}-${i}-${element.type}${element.props.chart ? `-${String(element.props.chart)}` : ""}`, normalize(figure.outerHTML)];
  });
}

function check(name: string, svg: string): void {
  const file = path.join(dir, `${name}.svg`);
  if (update) writeFileSync(file, svg);
  if (!existsSync(file))
    throw new Error(
      `No stored snapshot ${path.relative(process.cwd(), file)}: run UPDATE_SNAPSHOTS=1 npx vitest run test/data/snapshots.test.ts and review it.`,
    );
  expect(svg).toBe(readFileSync(file, "utf8"));
}

describe("example charts draw the same SVG", () => {
  test("air-quality", async () => {
    const shots = await snapshots("air-quality");
    expect(shots.length).toBe(4);
    for (const [name, svg] of shots) check(name, svg);
  });
  test("streaming-lag", async () => {
    // 2,000 events keep the stored SVG small.
    const shots = await snapshots("streaming-lag", async (app) => {
      app.select("Events").set(2000);
      await app.run();
    });
    expect(shots.length).toBe(2);
    for (const [name, svg] of shots) check(name, svg);
  });
});
