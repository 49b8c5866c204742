/**
 * The server's part of an air-quality state change, in-process: the script's run, the diff, the
 * Arrow encoding of new data and the JSON of the patch (what a worker does before posting).
 * First visits of a state (data new to the server) and revisits (data it has converted before).
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { buildScript } from "../packages/runtime/src/build.ts";
import { Session, type App } from "../packages/runtime/src/session.ts";
import { scriptApi } from "../packages/widgets/src/index.ts";
// @ts-expect-error -- plain ESM helper without types
import { line, report, root } from "./lib/stats.mjs";

(globalThis as { __dashApi?: object }).__dashApi ??= scriptApi();
process.env.AIR_QUALITY_DATA = "sample";

const built = await buildScript(path.join(root, "examples/air-quality/app.ts"));
const sample = (await import(pathToFileURL(path.join(root, "examples/air-quality/sample.mjs")).href)) as { states: { code: string }[] };
const codes = sample.states.map((s) => s.code);

/** A session over a fresh instance of the app's module (its per-state sample data not yet made). */
async function open(instance: number): Promise<{ change(code: string): Promise<number>; bytes: () => number }> {
  const module = (await import(`${pathToFileURL(built.file).href}?instance=${instance}`)) as { default: () => unknown };
  const app: App = { pages: new Map([["main", { main: module.default, file: built.file, title: "air" }]]), defaultPage: "main" };
  let bytes = 0;
  let patches = 0;
  const session = new Session(
    "bench",
    {
      send(message) {
        bytes += JSON.stringify(message).length;
        if (message.t === "patch") patches++;
      },
      sendBinary(frame) {
        bytes += frame.length;
      },
    },
    app,
  );
  session.attach(undefined);
  await session.scheduler.startPending();
  return {
    async change(code) {
      const before = patches;
      const started = performance.now();
      session.receive({ t: "set", id: "key:state", value: codes.indexOf(code) });
      await session.scheduler.startPending();
      const took = performance.now() - started;
      if (patches !== before + 1) throw new Error(`the change to ${code} sent ${patches - before} patches`);
      return took;
    },
    bytes: () => bytes,
  };
}

const others = codes.filter((c) => c !== "CA");
const first: number[] = [];
let bytes = 0;
// Three fresh app instances; the first warms the JIT and is not counted.
for (let instance = 0; instance < 3; instance++) {
  const app = await open(instance);
  for (const code of others) {
    const took = await app.change(code);
    if (instance) first.push(took);
  }
  if (instance === 2) bytes = app.bytes() / others.length;
}
const app = await open(3);
for (const code of others.slice(0, 5)) await app.change(code);
const again: number[] = [];
for (let i = 0; i < 200; i++) again.push(await app.change(others[i % 5]!));
report("air-quality state change, server in-process: first visit of a state", first, "ms", undefined, 2);
report("air-quality state change, server in-process: back to a state seen", again, "ms", undefined, 2);
line("bytes per first visit (patch + data)", `${Math.round(bytes)} B`);
