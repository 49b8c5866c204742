/**
 * What one viewer may cost, against a real `npx dash serve` with small limits: each refusal closes
 * the socket with a reason (and the page shows it), the limits come from flags and from DASH_*
 * variables, and a well-behaved viewer next to the offender never notices.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import WebSocket from "ws";
import type { Browser } from "playwright-core";
import { launch, open, root, see } from "./harness.ts";
import { serve, type ServedApp } from "../support/dash-serve.ts";

let browser: Browser;
let app: ServedApp;
beforeAll(async () => {
  [browser, app] = await Promise.all([
    launch(),
    // Two limits by flag, two by environment: both ways work.
    serve(path.join(root, "examples/hello/app.ts"), ["--messages-per-second", "20", "--sessions-per-address", "5"], {
      DASH_MAX_HELLO_KB: "8",
      DASH_MAX_MESSAGE_KB: "1024",
    }),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

type Probe = WebSocket & { received: string[]; closedWith: Promise<{ code: number; reason: string }> };

function socket(): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${app.url.replace("http", "ws")}/_dash/ws`, { origin: app.url }) as Probe;
    ws.received = [];
    ws.on("message", (data) => ws.received.push(String(data)));
    ws.on("error", () => {}); // a refused socket may also see EPIPE/ECONNRESET while sending
    ws.closedWith = new Promise((done) => ws.once("close", (code, reason) => done({ code, reason: String(reason) })));
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", () => reject(new Error("upgrade refused")));
  });
}

async function hello(ws: Probe, session?: string): Promise<string> {
  ws.send(JSON.stringify({ t: "hello", ...(session ? { session } : {}) }));
  const end = Date.now() + 10_000;
  while (Date.now() < end) {
    const said = ws.received.map((m) => JSON.parse(m) as { t: string; session?: string }).find((m) => m.t === "hello");
    if (said?.session) return said.session;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("no hello back");
}

async function sessions(): Promise<number> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  return Number(/^dash_sessions (\d+)/m.exec(text)?.[1]);
}

describe("limits", () => {
  test("before hello a message may be a few kilobytes: a 9 KB one and a 50 MB frame are refused with a reason, the 50 MB unread", async () => {
    const small = await socket();
    small.send(JSON.stringify({ t: "hello", query: { q: "x".repeat(9 * 1024) } }));
    expect(await small.closedWith).toEqual({ code: 1009, reason: "message too large before hello (limit 8 KB)" });

    const before = app.rssMb();
    const big = await socket();
    big.send(Buffer.alloc(50 * 1024 * 1024, 0x5b));
    // Refused from the frame's header: the server closes while this client is still writing, so
    // the client may see the connection reset (1006) before it reads the close frame.
    const closed = await big.closedWith;
    expect(closed.code === 1006 || closed.reason === "message too large before hello (limit 8 KB)").toBe(true);
    expect(app.rssMb() - before).toBeLessThan(20);
    expect(app.exitCode()).toBeNull();
  });

  test("after hello the bound is the larger one (1 MB here), refused with its reason", async () => {
    const ws = await socket();
    await hello(ws);
    ws.send(JSON.stringify({ t: "set", id: "slider:Count", value: "x".repeat(100 * 1024) })); // over 8 KB, under 1 MB: read
    const end = Date.now() + 20_000;
    while (!ws.received.some((m) => m.includes("Refused a value")) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(ws.received.some((m) => m.includes("Refused a value"))).toBe(true);
    ws.send("x".repeat(1024 * 1024 + 1));
    expect(await ws.closedWith).toEqual({ code: 1009, reason: "message too large (limit 1 MB)" });
  });

  test("a socket over its message rate is closed with the reason; a viewer beside it keeps working", async () => {
    const viewer = await open(browser, app.url);
    const ws = await socket();
    await hello(ws);
    for (let i = 0; i < 200; i++) ws.send(JSON.stringify({ t: "ping", at: i }));
    expect(await ws.closedWith).toEqual({ code: 1008, reason: "too many messages (limit 20 per second)" });
    await viewer.getByRole("button", { name: "Click me" }).click();
    await see(viewer, "Clicked 1 times");
    await viewer.close();
  });

  test("hello after hello from one address leaves at most 5 sessions; with 5 connected, the next is refused and the page says why", async () => {
    for (let i = 0; i < 60; i++) {
      const ws = await socket();
      await hello(ws);
      ws.close();
      await ws.closedWith;
    }
    // Every session here comes from 127.0.0.1 (the viewer of the test before included).
    expect(await sessions()).toBeLessThanOrEqual(5);

    const held = await Promise.all(Array.from({ length: 5 }, () => socket()));
    const ids = await Promise.all(held.map((ws) => hello(ws)));
    expect(new Set(ids).size).toBe(5);
    const sixth = await socket();
    sixth.send(JSON.stringify({ t: "hello" }));
    expect(await sixth.closedWith).toEqual({ code: 1008, reason: "too many sessions from your address (limit 5)" });

    // A browser is refused the same way and is told.
    const page = await browser.newPage();
    await page.goto(app.url);
    await see(page, "The server closed the connection: too many sessions from your address (limit 5)", 10_000);
    await page.screenshot({ path: path.join(root, "test/e2e/out/limits-sessions.png") });
    await page.close();

    // One of the five comes back (a reconnect): it is its own session again, not a new one.
    held[0]!.close();
    await held[0]!.closedWith;
    const back = await socket();
    expect(await hello(back, ids[0])).toBe(ids[0]);
    for (const ws of [back, ...held.slice(1)]) ws.close();
  });
});
