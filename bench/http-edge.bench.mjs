/**
 * Issue 16 (3): the HTTP edge of `npx dash serve examples/hello/app.ts` under two attacks.
 * - Slowloris: 200 connections that send half a request and then a header line a second, never
 *   ending it. Meanwhile Chromium loads the page 10 times (until "Click me" is drawn): its load
 *   time, and when the server had cut every slow connection (headers must arrive within 10 s).
 * - 2,000 connect/hello/disconnect cycles (CYCLES), twice: the time per cycle, the sessions left
 *   and the server's memory before, after each 2,000 and 30 s later.
 *   npm run bench -- http-edge
 */
import { connect } from "node:net";
import WebSocket from "ws";
import { launchChromium } from "./lib/chromium.mjs";
import { serveDash, sleep } from "./lib/dash-serve.mjs";
import { line, report } from "./lib/stats.mjs";

const cycles = Number(process.env.CYCLES ?? 2000);
const server = await serveDash("examples/hello/app.ts");
const browser = await launchChromium();
const loadPage = async () => {
  const page = await browser.newPage();
  const started = performance.now();
  await page.goto(server.url);
  await page.getByRole("button", { name: "Click me" }).waitFor({ timeout: 30_000 });
  const ms = performance.now() - started;
  await page.close();
  return ms;
};
try {
  const calm = [];
  for (let i = 0; i < 10; i++) calm.push(await loadPage());
  report("page load, no attack", calm, "ms");

  const slow = [];
  let cut = 0;
  let lastCut = 0;
  const opened = performance.now();
  for (let i = 0; i < 200; i++) {
    const socket = connect(server.port, "127.0.0.1");
    socket.on("error", () => {});
    socket.on("close", () => {
      cut++;
      lastCut = performance.now() - opened;
    });
    socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`);
    slow.push(socket);
  }
  const trickle = setInterval(() => {
    for (const socket of slow) if (!socket.destroyed) socket.write(`X-Slow-${Math.random().toString(36).slice(2)}: 1\r\n`);
  }, 1000);
  const attacked = [];
  for (let i = 0; i < 10; i++) attacked.push(await loadPage());
  const held = 200 - cut;
  while (cut < 200 && performance.now() - opened < 60_000) await sleep(100);
  clearInterval(trickle);
  for (const socket of slow) socket.destroy();
  report("page load under 200 slowloris connections", attacked, "ms", (s) => s.p50 < 1000);
  line(
    "slowloris connections",
    `${held} of 200 still held after the 10 loads; all 200 cut by the server ${cut === 200 ? `after ${(lastCut / 1000).toFixed(1)} s` : "NOT within 60 s"}`,
    cut === 200,
  );

  // Two rounds of CYCLES: the first shows what warming up costs, the second whether each cycle leaves memory behind.
  await sleep(2000);
  const wsUrl = `${server.url.replace("http", "ws")}/_dash/ws`;
  const rounds = [server.rssMb()];
  const times = [];
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < cycles; i++) {
      const started = performance.now();
      const ws = new WebSocket(wsUrl, { origin: server.url, perMessageDeflate: false });
      await new Promise((resolve, reject) => {
        ws.on("open", () => ws.send(JSON.stringify({ t: "hello" })));
        ws.on("message", (data) => String(data).includes('"status":"idle"') && resolve());
        ws.on("error", reject);
      });
      ws.close();
      await new Promise((resolve) => ws.once("close", resolve));
      times.push(performance.now() - started);
    }
    await sleep(3000);
    rounds.push(server.rssMb());
  }
  await sleep(30_000);
  const settled = server.rssMb();
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  const sessions = /^dash_sessions(?:\{[^}]*\})? (\d+)/m.exec(metrics)?.[1] ?? "?";
  report(`connect, hello, first page, disconnect (2 × ${cycles} cycles)`, times, "ms");
  line("sessions held after the cycles", `${sessions} (each address keeps at most 50 disconnected sessions)`);
  line(
    "server RSS over the cycles",
    `${rounds[0].toFixed(0)} MB before, ${rounds[1].toFixed(0)} MB after ${cycles}, ${rounds[2].toFixed(0)} MB after ${2 * cycles}, ${settled.toFixed(0)} MB 30 s later`,
  );
  line("first round's growth (warm-up: heaps grow to their working size)", `${(rounds[1] - rounds[0]).toFixed(0)} MB`);
  line(`second round's growth (what ${cycles} more cycles leave behind)`, `${(rounds[2] - rounds[1]).toFixed(0)} MB`, rounds[2] - rounds[1] < 50);
  line("server survived", server.exitCode() === null ? "yes" : `NO (${server.exitCode()})`, server.exitCode() === null);
} finally {
  await browser.close();
  await server.stop();
}
