import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAuth } from "../../packages/runtime/src/auth/index.ts";
import { refusalLog } from "../../packages/runtime/src/auth/refusals.ts";

describe("refusal log of a server with --auth", () => {
  it("writes one line for 300 refused requests", async () => {
    const lines: string[] = [];
    const auth = createAuth({ auth: "header:X-Forwarded-Email", trustedProxies: ["10.9.9.9"] }, (line) => lines.push(line))!;
    const server = http.createServer((req, res) => auth.http(req, res, () => res.end("ok")));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      for (let i = 0; i < 300; i++) {
        const response = await fetch(`http://127.0.0.1:${port}/page${i}`, { headers: { "x-forwarded-email": "a@b.c" } });
        expect(response.status).toBe(403);
        await response.text();
      }
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    expect(lines).toEqual([
      "dash auth: refused GET /page0 from 127.0.0.1: header: 127.0.0.1 is not a trusted proxy (--trusted-proxy); its X-Forwarded-Email header is ignored",
    ]);
  });
});

describe("refusal log", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("writes a flood of refusals as its first line, then one count per interval", () => {
    const lines: string[] = [];
    const refused = refusalLog((line) => lines.push(line), 60_000);
    for (let i = 0; i < 10_000; i++) refused(`dash auth: refused GET /x from 10.0.0.${i % 250}: no cookie ${i}`, "no cookie");
    expect(lines).toEqual(["dash auth: refused GET /x from 10.0.0.0: no cookie 0"]);
    vi.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe("dash auth: 9999 more refused in the last 60 s (the last: refused GET /x from 10.0.0.249: no cookie 9999)");
    // The flood goes on: one more line per interval, however many.
    for (let i = 0; i < 5000; i++) refused("dash auth: refused GET /y from 10.0.0.1: no cookie", "no cookie");
    vi.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^dash auth: 5000 more refused in the last 60 s/);
  });

  it("after a quiet interval, the next refusal is written in full at once", () => {
    const lines: string[] = [];
    const refused = refusalLog((line) => lines.push(line), 10_000);
    refused("dash auth: refused GET / from 1.2.3.4: one", "one");
    vi.advanceTimersByTime(10_000);
    expect(lines).toEqual(["dash auth: refused GET / from 1.2.3.4: one"]); // nothing more to count
    refused("dash auth: refused GET / from 1.2.3.4: one", "one");
    expect(lines).toEqual(["dash auth: refused GET / from 1.2.3.4: one", "dash auth: refused GET / from 1.2.3.4: one"]);
  });

  it("writes each new reason at once, up to 20 different ones an interval", () => {
    const lines: string[] = [];
    const refused = refusalLog((line) => lines.push(line), 10_000);
    refused("dash auth: refused GET / from 6.6.6.6: bad token", "bad token");
    refused("dash auth: refused GET / from 6.6.6.6: bad token", "bad token");
    refused("dash auth: refused GET / from 1.2.3.4: ada@example.com is not on the --allow list", "ada@example.com is not on the --allow list");
    expect(lines).toHaveLength(2);
    for (let i = 0; i < 100; i++) refused(`dash auth: refused GET / from 6.6.6.6: reason ${i}`, `reason ${i}`);
    expect(lines).toHaveLength(20);
    vi.advanceTimersByTime(10_000);
    expect(lines.at(-1)).toBe("dash auth: 83 more refused in the last 10 s (the last: refused GET / from 6.6.6.6: reason 99)");
  });

  it("writes every refusal with an interval of 0", () => {
    const lines: string[] = [];
    const refused = refusalLog((line) => lines.push(line), 0);
    for (let i = 0; i < 5; i++) refused("dash auth: refused GET / from 6.6.6.6: bad token", "bad token");
    expect(lines).toHaveLength(5);
  });
});
