// A session the server lost comes back from the browser's widget values (the page sends them in
// its hello). A table's row order and a chart's downsampling are props drawn for the widget's
// value, so they must be drawn for the value the browser sent: a table sorted before the restart
// comes back sorted, a chart comes back drawn for the width the browser reported.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { tableFromIPC } from "apache-arrow";
import { expect, test } from "vitest";
import { buildScript } from "../../packages/runtime/src/build.ts";
import { decodeBinary, splitData, type BinaryHeader, type Json, type WireNode } from "../../packages/runtime/src/protocol.ts";
import { applyPatch } from "../../packages/runtime/src/patch.ts";
import { Session } from "../../packages/runtime/src/session.ts";
import type { Page } from "../../packages/runtime/src/tree.ts";
import { scriptApi } from "../../packages/widgets/src/index.ts";
import { onePage } from "../support/app.ts";

const file = path.join(import.meta.dirname, "../fixtures/restored-widgets.ts");

/** Run the fixture once in a fresh session given the browser's widget values; the page it sends, and the data blobs. */
async function restored(widgets: Record<string, Json>): Promise<{ nodes: WireNode[]; data: Map<string, Uint8Array> }> {
  (globalThis as { __dashApi?: object }).__dashApi ??= scriptApi();
  const built = await buildScript(file);
  const module = (await import(pathToFileURL(built.file).href)) as { default: () => unknown };
  const app = onePage(module.default, file);
  const data = new Map<string, Uint8Array>();
  let page: Page | undefined;
  let session: Session | undefined;
  await new Promise<void>((resolve) => {
    session = new Session(
      "restored",
      {
        send(message) {
          // As the browser's store does: the whole page, then patches.
          if (message.t === "full") page = new Map(Object.entries(message.nodes).map(([id, n]) => [Number(id), n]));
          else if (message.t === "patch") applyPatch(page!, message.patch);
          if (message.t === "status" && message.status !== "running") resolve();
        },
        sendBinary(frame) {
          const decoded = decodeBinary(frame);
          const header = decoded?.header as BinaryHeader | undefined;
          if (decoded && header?.kind === "data") for (const [hash, bytes] of splitData(header, decoded.payload) ?? []) data.set(hash, bytes.slice());
        },
      },
      app,
      { widgets, services: { enter: () => {}, watchers: [] } },
    );
    session.attach(undefined);
    void session.scheduler.startPending();
  });
  await new Promise((resolve) => setImmediate(resolve)); // the deferred blobs of the big table
  session!.dispose();
  return { nodes: [...page!.values()] as WireNode[], data };
}

const node = (nodes: WireNode[], type: string): WireNode => nodes.find((n) => n.type === type)!;
const hashOf = (ref: Json | undefined): string => (ref as { $data: string }).$data;

test("a big table sorted in the browser comes back sorted after a restore: the row order is drawn for the browser's sort", async () => {
  const sort = { column: "value", desc: true };
  const { nodes, data } = await restored({ "table:page#0": sort });
  const table = node(nodes, "table");
  expect(table.props).toMatchObject({ serverSort: true, value: sort });
  expect(table.props.order, "the row order of the sort the browser shows").toBeDefined();
  const order = tableFromIPC(data.get(hashOf(table.props.order))!)
    .getChildAt(0)!
    .toArray() as ArrayLike<number>;
  // value = (i * 7919) % n, a permutation of 0..n-1: the largest value (n - 1) comes first.
  const n = 120_000;
  expect(order).toHaveLength(n);
  expect((Number(order[0]) * 7919) % n).toBe(n - 1);
  expect((Number(order[1]) * 7919) % n).toBe(n - 2);

  const unsorted = node((await restored({})).nodes, "table");
  expect(unsorted.props.value).toBeNull();
  expect(unsorted.props.order).toBeUndefined();
});

test("a chart comes back drawn for the width the browser reported, not the default width", async () => {
  const { nodes } = await restored({ "chart:page#0 line": 333 });
  const chart = node(nodes, "chart");
  expect(chart.props.value).toBe(333);
  expect(chart.props.columns, "downsampled to the browser's width").toBe(333);
  const fresh = node((await restored({})).nodes, "chart");
  expect(fresh.props.value).toBe(0);
  expect(fresh.props.columns).not.toBe(333);
});
