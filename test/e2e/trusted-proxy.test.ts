/**
 * Sessions per address behind Debian's nginx: without `--trusted-proxy`, every viewer comes from
 * the proxy's address and shares one quota; with it, each is counted by the address nginx names in
 * `X-Forwarded-For`, and a viewer cannot pass for another by sending that header itself. Viewers
 * connect from different loopback addresses (127.0.0.2, .3, .4), as different machines would.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import WebSocket from "ws";
import { root } from "./harness.ts";
import { serve, type ServedApp } from "../support/dash-serve.ts";
import { startNginx, type TestNginx } from "../support/nginx.ts";

let plain: ServedApp;
let trusting: ServedApp;
let toPlain: TestNginx;
let toTrusting: TestNginx;
const open: WebSocket[] = [];

beforeAll(async () => {
  const app = path.join(root, "examples/hello/app.ts");
  [plain, trusting] = await Promise.all([
    serve(app, ["--sessions-per-address", "2"]),
    serve(app, ["--sessions-per-address", "2", "--trusted-proxy", "127.0.0.1"]),
  ]);
  [toPlain, toTrusting] = await Promise.all([startNginx([plain.port]), startNginx([trusting.port])]);
});
afterAll(async () => {
  for (const ws of open) ws.terminate();
  await Promise.all([toPlain?.stop(), toTrusting?.stop()]);
  await Promise.all([plain?.stop(), trusting?.stop()]);
});

/** A viewer from `from` through `url`: "hello" once its session started, or the close reason. */
function viewer(url: string, from: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace("http", "ws")}/_dash/ws`, { origin: url, localAddress: from, headers });
    open.push(ws);
    ws.on("error", () => {});
    ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once("open", () => ws.send(JSON.stringify({ t: "hello", query: {} })));
    ws.on("message", (data) => {
      if ((JSON.parse(String(data)) as { t: string }).t === "hello") resolve("hello");
    });
    ws.once("close", (_code, reason) => resolve(String(reason)));
  });
}

const refused = "too many sessions from your address (limit 2)";

describe("sessions per address behind nginx", () => {
  test("without --trusted-proxy, viewers on three machines share the proxy's quota", async () => {
    expect(await viewer(toPlain.url, "127.0.0.2")).toBe("hello");
    expect(await viewer(toPlain.url, "127.0.0.3")).toBe("hello");
    expect(await viewer(toPlain.url, "127.0.0.4")).toBe(refused);
  });

  test("with --trusted-proxy, each viewer has its own quota, and cannot borrow another's", async () => {
    expect(await viewer(toTrusting.url, "127.0.0.2")).toBe("hello");
    expect(await viewer(toTrusting.url, "127.0.0.3")).toBe("hello");
    expect(await viewer(toTrusting.url, "127.0.0.4")).toBe("hello");
    expect(await viewer(toTrusting.url, "127.0.0.2")).toBe("hello");
    // 127.0.0.2 holds two connected sessions: a third is refused, even claiming another address.
    expect(await viewer(toTrusting.url, "127.0.0.2", { "x-forwarded-for": "127.0.0.9" })).toBe(refused);
    expect(await viewer(toTrusting.url, "127.0.0.2")).toBe(refused);
    // Straight to dash (not through the trusted proxy), the header is not believed either.
    expect(await viewer(trusting.url, "127.0.0.5", { "x-forwarded-for": "127.0.0.9" })).toBe("hello");
    expect(await viewer(trusting.url, "127.0.0.5", { "x-forwarded-for": "127.0.0.10" })).toBe("hello");
    expect(await viewer(trusting.url, "127.0.0.5", { "x-forwarded-for": "127.0.0.11" })).toBe(refused);
  });
});
