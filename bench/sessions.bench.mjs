/**
 * (f) Server memory per idle session with a 200-element page, measured at 1,000 sessions (and at
 * 100, for cost growth at 10× sessions). The server runs in its own process; sessions are opened
 * by raw `ws` clients that say hello and wait for the first run to finish. Memory is the server
 * process's resident set (main thread + script workers), read from /proc.
 */
import { startDash } from "./lib/dash-process.mjs";
import { readFileSync } from "node:fs";
import WebSocket from "ws";
import { line, report } from "./lib/stats.mjs";

const server = await startDash("bench/fixtures/page200.ts");
const url = server.url;
const wsUrl = `${url.replace("http", "ws")}/_dash/ws`;
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, "utf8"))[1]) * 1024;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const sockets = [];
const connectTimes = [];
let initialBytes = 0;
async function openSession() {
  const started = performance.now();
  const ws = new WebSocket(wsUrl, { origin: url, perMessageDeflate: false });
  let bytes = 0;
  await new Promise((resolve, reject) => {
    ws.on("open", () => ws.send(JSON.stringify({ t: "hello", query: {} })));
    ws.on("message", (data) => {
      bytes += data.length;
      const text = String(data);
      if (text.includes('"status":"idle"')) resolve(null);
    });
    ws.on("error", reject);
  });
  connectTimes.push(performance.now() - started);
  initialBytes = bytes;
  sockets.push(ws);
}

async function openMany(target) {
  while (sockets.length < target) await Promise.all(Array.from({ length: Math.min(20, target - sockets.length) }, openSession));
}

async function settledRss() {
  await sleep(1500);
  const samples = [];
  for (let i = 0; i < 5; i++) {
    samples.push(rss());
    await sleep(200);
  }
  return Math.min(...samples);
}

await openMany(5);
const base = await settledRss();
await openMany(105);
const at100 = await settledRss();
await openMany(1005);
const at1000 = await settledRss();

const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
const per100 = (at100 - base) / 100;
const per1000 = (at1000 - base) / 1000;
line("    server RSS with 5 sessions (baseline: main thread + 2 script workers)", `${(base / 1048576).toFixed(1)} MB`);
line("    per idle session, 100 sessions", kb(per100));
line("(f) per idle session at 1,000 sessions (200-element page)", `${kb(per1000)} (RSS ${(at1000 / 1048576).toFixed(1)} MB)`, per1000 <= 200 * 1024);
line("    growth at 10× sessions (per-session cost ratio 1,000 vs 100)", `${(per1000 / per100).toFixed(2)}×`);
line("    first page of a new session on the wire", `${initialBytes} B`);
report("    new session: hello → first run done", connectTimes, "ms", undefined, 1);

for (const ws of sockets) ws.terminate();
await server.stop();
