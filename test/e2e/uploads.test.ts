/**
 * Uploads arrive in bounded chunks and are put together at the edge; what a session holds while an
 * upload arrives never passes --max-upload-mb. Against a real `npx dash serve` and Chromium.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import WebSocket from "ws";
import type { Browser } from "playwright-core";
import { encodeBinary, uploadChunkBytes } from "../../packages/runtime/src/protocol.ts";
import { fixture, launch, open, see } from "./harness.ts";
import { serve, type ServedApp } from "../support/dash-serve.ts";

let browser: Browser;
let app: ServedApp;
beforeAll(async () => {
  [browser, app] = await Promise.all([launch(), serve(fixture("uploads.ts"), ["--max-upload-mb", "3"])]);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const sha = (bytes: Buffer): string => createHash("sha1").update(bytes).digest("hex").slice(0, 12);
const file = (n: number, size: number): Buffer => Buffer.alloc(size, n);

describe("uploads", () => {
  test("three files of several chunks each arrive whole, in order", async () => {
    const page = await open(browser, app.url);
    const files = [file(1, 3 * uploadChunkBytes + 17), file(2, 1), file(3, 0)];
    await page.getByLabel("Files").setInputFiles(files.map((buffer, i) => ({ name: `f${i}.bin`, mimeType: "application/octet-stream", buffer })));
    await see(page, `Received: ${files.map((b, i) => `f${i}.bin ${b.length} ${sha(b)}`).join(", ")}`, 20_000);
    await page.close();
  });

  test("an upload over --max-upload-mb is refused with a message in the widget; the server holds no more than the limit", async () => {
    const page = await open(browser, app.url);
    const files = [file(4, 1.2 * 1024 * 1024), file(5, 1.2 * 1024 * 1024), file(6, 1.2 * 1024 * 1024)];
    await page.getByLabel("Files").setInputFiles(files.map((buffer, i) => ({ name: `big${i}.bin`, mimeType: "application/octet-stream", buffer })));
    await see(page, "big2.bin: the upload is over the server's limit of 3 MB at once.", 20_000);
    await see(page, "Received: nothing");
    expect(await page.getByText(/out of order/).count()).toBe(0);
    await page.screenshot({ path: path.join(import.meta.dirname, "out/uploads-limit.png") });
    // A smaller one afterwards goes through.
    await page.getByLabel("Files").setInputFiles([{ name: "ok.bin", mimeType: "application/octet-stream", buffer: file(7, 1000) }]);
    await see(page, `Received: ok.bin 1000 ${sha(file(7, 1000))}`, 20_000);
    await page.close();
  });

  test("twelve parts of an upload that never completes, sent straight to the server, refused once over the limit, memory bounded by it", async () => {
    const ws = new WebSocket(`${app.url.replace("http", "ws")}/_dash/ws`, { origin: app.url });
    const received: string[] = [];
    ws.on("message", (data) => received.push(String(data)));
    await new Promise((resolve) => ws.once("open", resolve));
    ws.send(JSON.stringify({ t: "hello" }));
    while (!received.some((m) => m.startsWith('{"t":"hello"'))) await new Promise((resolve) => setTimeout(resolve, 20));
    const before = app.rssMb();
    const part = Buffer.alloc(1024 * 1024, 9);
    for (let index = 0; index < 12; index++) {
      for (let offset = 0; offset < part.length; offset += uploadChunkBytes) {
        const header = { kind: "upload", id: "fileUploader:Files", name: `p${index}.bin`, type: "", index, count: 13, size: part.length, offset } as const;
        ws.send(encodeBinary(header, part.subarray(offset, offset + uploadChunkBytes)));
      }
    }
    const end = Date.now() + 20_000;
    while (!received.some((m) => m.includes("over the server's limit")) && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received.find((m) => m.includes("uploadError"))).toContain("p3.bin: the upload is over the server's limit of 3 MB at once.");
    // 12 MB were sent; at most the 3 MB limit (and the copies on their way to the worker) were held.
    expect(app.rssMb() - before).toBeLessThan(3 + 30);
    ws.close();
    expect(app.exitCode()).toBeNull();
  });

  test("the part of an upload that arrived before its socket closed is dropped: nothing of it is held for the session after", async () => {
    const connect = async (session?: string): Promise<{ ws: WebSocket; received: string[]; session: string }> => {
      const ws = new WebSocket(`${app.url.replace("http", "ws")}/_dash/ws`, { origin: app.url });
      const received: string[] = [];
      ws.on("message", (data) => received.push(String(data)));
      await new Promise((resolve) => ws.once("open", resolve));
      ws.send(JSON.stringify({ t: "hello", ...(session ? { session } : {}) }));
      while (!received.some((m) => m.includes('"status":"idle"'))) await new Promise((resolve) => setTimeout(resolve, 20));
      return { ws, received, session: (JSON.parse(received.find((m) => m.startsWith('{"t":"hello"'))!) as { session: string }).session };
    };
    const send = (ws: WebSocket, index: number): void => {
      const header = { kind: "upload", id: "fileUploader:Files", name: `half${index}.bin`, type: "", index, count: 2, size: 1000, offset: 0 } as const;
      ws.send(encodeBinary(header, file(index, 1000)));
    };
    // The first file of two, then the socket goes away (the viewer closed the tab mid-upload).
    const first = await connect();
    send(first.ws, 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    first.ws.close();
    await new Promise((resolve) => first.ws.once("close", resolve));
    // Back on the same session, the second file alone must not complete the old upload.
    const again = await connect(first.session);
    expect(again.session).toBe(first.session);
    send(again.ws, 1);
    const mark = again.received.length;
    again.ws.send(JSON.stringify({ t: "click", id: "button:Again" }));
    const end = Date.now() + 15_000;
    while (!again.received.slice(mark).some((m) => m.includes('"status":"idle"')) && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(again.received.slice(mark).some((m) => m.includes('"status":"idle"'))).toBe(true);
    expect([...first.received, ...again.received].filter((m) => m.includes("half0.bin"))).toEqual([]);
    again.ws.close();
  });
});
