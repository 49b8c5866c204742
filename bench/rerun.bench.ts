/**
 * (a) server rerun + diff for a 200-element page when one widget changes, in-process;
 * (b) WebSocket bytes for that change vs the page's initial bytes;
 * (f) heap growth over 10,000 reruns (run with --expose-gc);
 * and cost growth at 10× elements.
 *
 * A `Session` is driven directly, as a worker drives it: a validated `set` message, then the run.
 * Timing covers the script's run, the diff against what the browser holds and the JSON encoding
 * of what would be sent.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { buildScript } from "../packages/runtime/src/build.ts";
import type { ServerMessage } from "../packages/runtime/src/protocol.ts";
import { Session, type App } from "../packages/runtime/src/session.ts";
import { scriptApi } from "../packages/widgets/src/index.ts";
// @ts-expect-error -- plain ESM helper without types
import { line, report, root } from "./lib/stats.mjs";

(globalThis as { __dashApi?: object }).__dashApi ??= scriptApi();

interface Bench {
  session: Session;
  bytes: { total: number };
  set(value: number): Promise<number>;
}

async function open(elements: number): Promise<Bench> {
  process.env.DASH_BENCH_ELEMENTS = String(elements);
  const built = await buildScript(path.join(root, "bench/fixtures/page200.ts"));
  // A fresh module per size (the element count is read when the module loads).
  const module = (await import(`${pathToFileURL(built.file).href}?n=${elements}`)) as { default: () => unknown };
  const app: App = { pages: new Map([["main", { main: module.default, file: built.file, title: "bench" }]]), defaultPage: "main" };
  const bytes = { total: 0 };
  let patchText = "";
  const session = new Session(
    "bench",
    {
      send(message: ServerMessage) {
        const text = JSON.stringify(message);
        bytes.total += Buffer.byteLength(text);
        if (message.t === "patch") patchText = text;
      },
      sendBinary(frame: Uint8Array) {
        bytes.total += frame.length;
      },
    },
    app,
  );
  session.attach(undefined);
  await session.scheduler.startPending();
  const set = async (value: number): Promise<number> => {
    session.receive({ t: "set", id: "slider:N", value });
    await session.scheduler.startPending();
    if (!patchText.includes(`N is ${value}`)) throw new Error(`the change did not reach the patch: ${patchText.slice(0, 200)}`);
    return value;
  };
  return { session, bytes, set };
}

async function timeReruns(bench: Bench, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await bench.set(i % 1000);
    samples.push(performance.now() - started);
  }
  return samples;
}

const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  console.log("## rerun + diff (in-process Session)");
  const page = await open(200);
  const initial = page.bytes.total;
  await timeReruns(page, 300); // warm up the JIT
  const samples = await timeReruns(page, 2000);
  report("(a) 200 elements, one slider change → rerun + diff + encode", samples, "ms", (s: { p50: number }) => s.p50 <= 1, 3);

  const before = page.bytes.total;
  await page.set(123);
  const change = page.bytes.total - before;
  line("(b) bytes for one change vs initial page", `${change} B / ${initial} B = ${((change / initial) * 100).toFixed(2)}%`, change / initial <= 0.02);

  const big = await open(2000);
  await timeReruns(big, 100);
  const bigSamples = await timeReruns(big, 500);
  const bigS = report("    10× elements (2,000) → rerun + diff + encode", bigSamples, "ms", undefined, 3);
  const smallS = report("    1× elements (200), same run", await timeReruns(page, 500), "ms", undefined, 3);
  line("    growth at 10× elements (p50 ratio)", `${(bigS.p50 / smallS.p50).toFixed(1)}×`);

  if (!gc) {
    line("(f) heap growth over 10,000 reruns", "skipped: run with node --expose-gc");
    return;
  }
  const heap = await open(200);
  await timeReruns(heap, 1000);
  gc();
  gc();
  const start = process.memoryUsage().heapUsed;
  await timeReruns(heap, 10_000);
  gc();
  gc();
  const growth = (process.memoryUsage().heapUsed - start) / 1024 / 1024;
  line("(f) heap growth over 10,000 reruns (200 elements)", `${growth.toFixed(2)} MB`, growth <= 5);
}

await main();
