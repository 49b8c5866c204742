/**
 * `__proto__` and `constructor` keys in every message a viewer can send (issue 16's fuzzing kind,
 * here checked for their effect, not only survival): nothing reaches Object.prototype, neither in
 * the server's main thread (the app runs in this process) nor in the script's worker (the fixture
 * prints what a fresh object inherits), and the session keeps working.
 */
import { afterAll, describe, expect, test } from "vitest";
import WebSocket from "ws";
import type { RunningApp } from "../../packages/cli/src/app.ts";
import { fixture, startApp } from "./harness.ts";

let app: RunningApp | undefined;
afterAll(async () => {
  await app?.close();
});

const poison = { polluted: "yes", hacked: "yes" };

/** A viewer's socket saying hello with `hello`; collects what the server sends. */
async function viewer(url: string, hello: Record<string, unknown>): Promise<WebSocket & { received: string[] }> {
  const ws = Object.assign(new WebSocket(`${url.replace("http", "ws")}/_dash/ws`, { origin: url }), { received: [] as string[] });
  ws.on("message", (data) => ws.received.push(String(data)));
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  ws.send(JSON.stringify({ t: "hello", ...hello }));
  return ws;
}

async function until(ws: { received: string[] }, text: string): Promise<void> {
  const end = Date.now() + 15_000;
  while (!ws.received.some((m) => m.includes(text))) {
    if (Date.now() > end) throw new Error(`no ${JSON.stringify(text)}; last: ${ws.received.slice(-3).join(" | ")}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("prototype pollution", () => {
  test("__proto__ and constructor keys in hello, set, click, submit and nav reach no prototype; the session goes on", async () => {
    app = await startApp({ entry: fixture("pollution.ts") });
    // Raw JSON: JSON.stringify would drop a literal __proto__ key.
    const protoJson = `{"__proto__":${JSON.stringify(poison)},"constructor":{"prototype":${JSON.stringify(poison)}}}`;
    const ws = Object.assign(new WebSocket(`${app.url.replace("http", "ws")}/_dash/ws`, { origin: app.url }), { received: [] as string[] });
    ws.on("message", (data) => ws.received.push(String(data)));
    await new Promise((resolve) => ws.once("open", resolve));
    ws.send(`{"t":"hello","query":{"__proto__":"x","constructor":"y","q":"z"},"widgets":${protoJson},"__proto__":${JSON.stringify(poison)}}`);
    await until(ws, "polluted: undefined undefined function x");
    const sent = [
      `{"t":"set","id":"__proto__","value":${protoJson}}`,
      `{"t":"set","id":"constructor","value":${protoJson}}`,
      `{"t":"set","id":"key:__proto__","value":${protoJson}}`,
      `{"t":"set","id":"textInput:Name","value":${protoJson}}`,
      `{"t":"set","id":"key:k","value":"__proto__"}`,
      `{"t":"click","id":"__proto__"}`,
      `{"t":"submit","form":"__proto__","values":${protoJson}}`,
      `{"t":"submit","form":"form:f","values":${protoJson}}`,
      `{"t":"submit","form":"constructor","values":{"constructor":${protoJson}}}`,
      `{"t":"nav","page":"__proto__"}`,
      `{"t":"nav","page":"constructor"}`,
      `{"t":"clearUpload","id":"__proto__"}`,
      `{"__proto__":{"t":"click"},"t":"set","id":"textInput:Name","value":"after","constructor":1}`,
    ];
    for (const message of sent) ws.send(message);
    await until(ws, "polluted: undefined undefined function after");
    // A second viewer's fresh session on the same worker sees clean prototypes too.
    const other = await viewer(app.url, {});
    await until(other, "polluted: undefined undefined function x");
    // And this thread, the server's main thread, was not touched either.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).hacked).toBeUndefined();
    ws.close();
    other.close();
  });
});
