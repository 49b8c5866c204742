/**
 * What `dash serve` shows the world: no source maps, no absolute server paths in the errors a
 * viewer sees (`dash run` keeps them for the author), and no connection held open by a client
 * that trickles its request (slowloris).
 */
import { execFileSync, spawn } from "node:child_process";
import { connect, type Socket } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser } from "playwright-core";
import { fixture, launch, open, root, see, snapshotDist, startApp } from "./harness.ts";
import { serve, type ServedApp } from "../support/dash-serve.ts";

let browser: Browser;
let app: ServedApp;
beforeAll(async () => {
  [browser, app] = await Promise.all([launch(), serve(fixture("paths.ts"))]);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const serverPaths = [root, path.dirname(fixture("paths.ts")), process.cwd()];

describe("dash serve in production", () => {
  test("serves no source maps, and its scripts name none", async () => {
    const page = await fetch(`${app.url}/`).then((res) => res.text());
    const script = /src="([^"]+client\.js[^"]*)"/.exec(page)![1]!;
    const js = await fetch(new URL(script, app.url)).then((res) => res.text());
    expect(js.length).toBeGreaterThan(10_000);
    expect(js).not.toContain("sourceMappingURL");
    for (const name of ["client.js.map", "markdown.js.map", "lazy.js.map"]) expect((await fetch(`${app.url}/_dash/${name}`)).status, name).toBe(404);
  });

  test("errors shown to a viewer name files relative to the app, never the server's folders", async () => {
    const page = await open(browser, app.url);
    await page.getByRole("button", { name: "Read a missing file" }).click();
    await see(page, /ENOENT: no such file or directory, open 'missing-data\.csv'/, 15_000);
    await page.getByRole("button", { name: "Throw" }).click();
    await see(page, /boom/, 15_000);
    const text = await page.locator("body").innerText();
    expect(text).toContain("paths.ts:8");
    for (const folder of serverPaths) expect(text).not.toContain(folder);
    await page.screenshot({ path: path.join(root, "test/e2e/out/production-error.png") });
    await page.close();
  });

  test("dash run keeps full paths for the author", async () => {
    const dev = await startApp({ entry: fixture("paths.ts") });
    try {
      const page = await open(browser, dev.url);
      await page.getByRole("button", { name: "Throw" }).click();
      await see(page, /boom/, 15_000);
      expect(await page.locator("body").innerText()).toContain(fixture("paths.ts"));
      expect((await fetch(`${dev.url}/_dash/client.js.map`)).status).toBe(200);
      await page.close();
    } finally {
      await dev.close();
    }
  });

  test("dash serve binds 127.0.0.1 unless told otherwise, and its usage says so", async () => {
    const bin = path.join(await snapshotDist(), "bin.js");
    const help = execFileSync(process.execPath, [bin, "--help"], { encoding: "utf8" });
    expect(help).toMatch(/npx dash serve .*\[--host 127\.0\.0\.1\]/);
    expect(help).toContain("default 127.0.0.1");
    expect(help).not.toMatch(/--host 0\.0\.0\.0/);
    const child = spawn(process.execPath, [bin, "serve", fixture("paths.ts"), "--port", "0"], {
      env: Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== "DASH_HOST")),
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk) => {
          out += String(chunk);
          const found = /➜\s+(http:\/\/\S+)/.exec(out);
          if (found) resolve(found[1]!);
        });
        child.once("exit", (code) => reject(new Error(`dash serve exited with ${code}`)));
      });
      expect(new URL(url).hostname).toBe("127.0.0.1");
      expect((await fetch(url)).status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
  });

  test("200 slowloris connections are cut off after 10 s; meanwhile a viewer loads the page", async () => {
    const slow: Socket[] = [];
    const closed = new Set<Socket>();
    for (let i = 0; i < 200; i++) {
      const socket = connect(app.port, "127.0.0.1");
      socket.on("error", () => {});
      socket.on("close", () => closed.add(socket));
      // Half a request, then a header line now and then, never the blank line that ends it.
      socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${app.port}\r\n`);
      slow.push(socket);
    }
    const trickle = setInterval(() => {
      for (const socket of slow) if (!closed.has(socket)) socket.write(`X-Slow-${Math.random().toString(36).slice(2)}: 1\r\n`);
    }, 1000);
    const started = Date.now();
    try {
      const page = await open(browser, app.url);
      await see(page, "Paths");
      await page.close();
      expect(app.exitCode()).toBeNull();
      // Node's default holds such a request for 60 s (headersTimeout) plus up to 30 s between checks.
      const end = Date.now() + 30_000;
      while (closed.size < slow.length && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 200));
      expect(closed.size).toBe(slow.length);
      expect(Date.now() - started).toBeLessThan(25_000);
    } finally {
      clearInterval(trickle);
      for (const socket of slow) socket.destroy();
    }
  }, 60_000);
});
