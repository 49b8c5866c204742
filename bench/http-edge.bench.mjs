/**
 * Issue 16 (3): the HTTP edge of `npx dash serve examples/hello/app.ts` under two attacks.
 *
 * - Slowloris: 200 connections that each send half a request and then a header line a second,
 *   never ending it; the server cuts each one (headers must arrive within 10 s) and the attacker
 *   opens a new one at once, so 200 are held throughout. Meanwhile Chromium loads the page LOADS
 *   times (default 30; until "Click me" is drawn), after LOADS loads without the attack (and 3
 *   unrecorded warm-up loads, so neither series pays for Chromium's first navigations). Pass: the
 *   p99 of the loads under attack is under 1 s (the issue's "a normal page load under 1 s"). With
 *   n = 30 the p99 is the slowest load. A load that has not drawn the page after 30 s is counted
 *   (as its time) and described (the page's connection state and text) rather than ending the bench.
 * - Connect/disconnect cycles (connect, hello, first page drawn, disconnect): ROUNDS rounds
 *   (default 3) of CYCLES (default 2,000), each followed by SETTLE_SECONDS (default 30) of quiet
 *   before the server's RSS is read, so that V8's memory reducer collects the idle heaps and malloc
 *   gives the freed pages back: a reading right after a burst measures the burst's garbage, not
 *   what it left. The first round is the warm-up (the heaps grow to their working size, the 50
 *   disconnected sessions an address may keep fill up). Pass ("memory flat"): every later settled
 *   reading is within FLAT_MB (default 10) of the first round's. Why 10 MB: a settled Node process
 *   moves by a few MB between readings (heap sizing, malloc arenas), while a leak of even 2.5 KB per
 *   cycle (far less than one session) adds 5 MB a round and 10 MB by the third.
 *
 *   npm run bench -- http-edge      (LOADS=10 CYCLES=500 SETTLE_SECONDS=10 for a short run)
 */
import { connect } from "node:net";
import WebSocket from "ws";
import { launchChromium } from "./lib/chromium.mjs";
import { serveDash, sleep } from "./lib/dash-serve.mjs";
import { line, report } from "./lib/stats.mjs";

const loads = Number(process.env.LOADS ?? 30);
const cycles = Number(process.env.CYCLES ?? 2000);
const rounds = Number(process.env.ROUNDS ?? 3);
const settleMs = Number(process.env.SETTLE_SECONDS ?? 30) * 1000;
const flatMb = Number(process.env.FLAT_MB ?? 10);
const server = await serveDash("examples/hello/app.ts");
const browser = await launchChromium();
/** Page loads that never drew the button within 30 s: counted (as 30 s) and described, not fatal. */
const stuck = [];
const loadPage = async () => {
  const page = await browser.newPage();
  const started = performance.now();
  try {
    await page.goto(server.url, { timeout: 30_000 });
    await page.getByRole("button", { name: "Click me" }).waitFor({ timeout: 30_000 });
    return performance.now() - started;
  } catch (error) {
    const seen = await page
      .evaluate(() => `connection ${JSON.stringify(window.__dash?.ui?.().connection)}, text ${JSON.stringify(document.body.innerText.slice(0, 200))}`)
      .catch(() => "page not readable");
    stuck.push(`${error instanceof Error ? error.message.split("\n")[0] : String(error)} (${seen})`);
    return performance.now() - started;
  } finally {
    await page.close();
  }
};
const metric = async (name) => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, "m").exec(text)?.[1] ?? "?";
};

try {
  for (let i = 0; i < 3; i++) await loadPage(); // warm-up, not recorded
  const calm = [];
  for (let i = 0; i < loads; i++) calm.push(await loadPage());
  report("page load, no attack", calm, "ms");

  // 200 slow connections held throughout: each one the server cuts is replaced at once.
  let attacking = true;
  const slow = new Set();
  const heldFor = [];
  const openSlow = () => {
    const socket = connect(server.port, "127.0.0.1");
    const opened = performance.now();
    socket.on("error", () => {});
    socket.on("close", () => {
      slow.delete(socket);
      if (!attacking) return;
      heldFor.push(performance.now() - opened);
      openSlow();
    });
    socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`);
    slow.add(socket);
  };
  for (let i = 0; i < 200; i++) openSlow();
  const trickle = setInterval(() => {
    for (const socket of slow) if (!socket.destroyed) socket.write(`X-Slow-${Math.random().toString(36).slice(2)}: 1\r\n`);
  }, 1000);
  await sleep(1000); // all 200 are in before the first load
  const attacked = [];
  const heldAtLoad = [];
  for (let i = 0; i < loads; i++) {
    heldAtLoad.push(slow.size);
    attacked.push(await loadPage());
  }
  // Until the server has cut the first 200 (it must, within 10 s of each one's start, checked each second).
  const attackStart = performance.now();
  while (heldFor.length < 200 && performance.now() - attackStart < 30_000) await sleep(100);
  attacking = false;
  clearInterval(trickle);
  for (const socket of slow) socket.destroy();
  report("page load under 200 slowloris connections (p99 under 1 s)", attacked, "ms", (s) => s.p99 < 1000);
  const held = report("how long the server held a slow connection before cutting it", heldFor, "ms", (s) => s.max < 15_000, 0);
  line(
    "slowloris connections",
    `${Math.min(...heldAtLoad)}–${Math.max(...heldAtLoad)} open at each load's start; ${heldFor.length} cut by the server and replaced, none held past ${(held.max / 1000).toFixed(1)} s`,
  );

  // Connect/disconnect cycles, in rounds, each reading taken after a quiet settle.
  await sleep(settleMs);
  const wsUrl = `${server.url.replace("http", "ws")}/_dash/ws`;
  const settled = [server.rssMb()];
  const peaks = [];
  const sessions = [];
  const times = [];
  for (let round = 0; round < rounds; round++) {
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
    peaks.push(server.rssMb());
    await sleep(settleMs);
    settled.push(server.rssMb());
    sessions.push(await metric("dash_sessions"));
  }
  report(`connect, hello, first page, disconnect (${rounds} × ${cycles} cycles)`, times, "ms");
  line("sessions held after each round", `${sessions.join(", ")} (each address keeps at most 50 disconnected sessions)`);
  line(
    "server RSS",
    `${settled[0].toFixed(0)} MB before; ` +
      peaks.map((peak, i) => `round ${i + 1}: ${peak.toFixed(0)} MB at its end, ${settled[i + 1].toFixed(0)} MB settled`).join("; ") +
      ` (settled = after ${settleMs / 1000} s quiet)`,
  );
  line("warm-up (first round, settled)", `${(settled[1] - settled[0]).toFixed(0)} MB`);
  const later = settled.slice(2).map((mb) => mb - settled[1]);
  line(
    `memory flat after the warm-up (each later round settled within ${flatMb} MB of the first)`,
    later.map((mb, i) => `round ${i + 2}: ${mb >= 0 ? "+" : ""}${mb.toFixed(1)} MB`).join(", ") +
      ` (${((Math.max(0, settled[rounds] - settled[1]) * 1024 * 1024) / ((rounds - 1) * cycles) / 1024).toFixed(2)} KB per cycle at most)`,
    later.every((mb) => mb < flatMb),
  );
  line("page loads that never drew the page", stuck.length ? `${stuck.length}: ${stuck.join("; ")}` : "none", stuck.length === 0);
  line("server survived", server.exitCode() === null ? "yes" : `NO (${server.exitCode()})`, server.exitCode() === null);
} finally {
  await browser.close();
  await server.stop();
}
