/**
 * The network edge under hostile input, against a real `npx dash serve` process: a message no
 * viewer would send, or a request target no browser would send, never ends the server, and the
 * viewers already there keep getting their updates.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import WebSocket from "ws";
import { launch, open, root, see } from "./harness.ts";
import type { Browser } from "playwright-core";
import { serve, type ServedApp } from "../support/dash-serve.ts";
import { rawAnswer, rawStatus } from "../support/raw-http.ts";

let browser: Browser;
let app: ServedApp;
beforeAll(async () => {
  [browser, app] = await Promise.all([launch(), serve(path.join(root, "examples/hello/app.ts"))]);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** A raw WebSocket to the app, from the page's own origin; resolves once open. */
function socket(): Promise<WebSocket & { received: string[] }> {
  return new Promise((resolve, reject) => {
    const ws = Object.assign(new WebSocket(`${app.url.replace("http", "ws")}/_dash/ws`, { origin: app.url }), { received: [] as string[] });
    ws.on("message", (data) => ws.received.push(String(data)));
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

async function until(condition: () => boolean, what: string, timeout = 10_000): Promise<void> {
  const end = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("the edge", () => {
  test("a message nested 10,000 levels deep is refused; the server lives and another viewer still gets updates", async () => {
    const viewer = await open(browser, app.url);
    const deep = `{"t":"set","id":"x","value":${"[".repeat(10_000)}${"]".repeat(10_000)}}`;
    const attacker = await socket();
    attacker.send(deep);
    await until(() => attacker.received.some((m) => m.includes("nests deeper than")), "the refusal");
    // After hello as well: the message reaches the same check, not the session.
    attacker.send(JSON.stringify({ t: "hello" }));
    attacker.send(deep);
    await until(() => attacker.received.filter((m) => m.includes("nests deeper than")).length === 2, "the second refusal");
    expect(app.exitCode()).toBeNull();

    await viewer.getByRole("button", { name: "Click me" }).click();
    await see(viewer, "Clicked 1 times");
    attacker.close();
    await viewer.close();
  });

  test("odd request targets get an answer (400 when not a URL at all), on a request and on an upgrade; the server lives", async () => {
    const targets = ["//a:99999", "//[", "//%zz", "http://[", "//a:99999/_dash/ws", "http://[/_dash/ws"];
    for (const target of targets) {
      // "//a:99999" is a path like any other (the page); "http://[" is not a URL at all.
      const status = await rawStatus(app.port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      expect(status, `GET ${target}`).toBe(target.startsWith("http://[") ? 400 : 200);
      const upgrade =
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${app.port}\r\nOrigin: ${app.url}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
      expect(await rawStatus(app.port, upgrade), `upgrade to ${target}`).toBeNull(); // refused: the socket is closed
      expect(app.exitCode(), `after ${target}`).toBeNull();
    }
    expect((await fetch(app.url)).status).toBe(200);
    const viewer = await open(browser, app.url);
    await viewer.getByRole("button", { name: "Click me" }).click();
    await see(viewer, /^Clicked \d+ times$/);
    expect(app.exitCode()).toBeNull();
    await viewer.close();
  });
});

describe("headers", () => {
  test("every response says nosniff, no framing and the referrer policy; the page's CSP forbids framing", async () => {
    for (const route of ["/", "/_dash/client.js", "/_dash/client.css", "/_dash/nothing.js", "/healthz", "/metrics", "/some/page"]) {
      const res = await fetch(`${app.url}${route}`);
      expect(res.headers.get("x-content-type-options"), route).toBe("nosniff");
      expect(res.headers.get("x-frame-options"), route).toBe("DENY");
      expect(res.headers.get("referrer-policy"), route).toBe("same-origin");
    }
    expect((await fetch(app.url)).headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    // Refusals too: a target that is not a URL (400) and a method the server does not serve (405).
    for (const [target, method, status] of [
      ["http://[", "GET", 400],
      ["/", "DELETE", 405],
    ] as const) {
      const answer = await rawAnswer(app.port, `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      expect(answer, `${method} ${target}`).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
      for (const header of ["x-content-type-options: nosniff", "x-frame-options: DENY", "referrer-policy: same-origin"])
        expect(answer.toLowerCase(), `${method} ${target}`).toContain(header.toLowerCase());
    }
  });
});
