/**
 * Issue 16 (5): soak. 200 viewers (SOAK_VIEWERS) on a 1 Hz source for SOAK_MINUTES minutes (default
 * 2; the issue's run is SOAK_MINUTES=30) against `npx dash serve bench/fixtures/soak-app.ts`. Each
 * viewer is a raw WebSocket client that says hello, sets the app's slider to one of 50 values (so
 * the sessions' runs are not all alike), and times every tick: from the source's value
 * (a timestamp) to the patch that shows it. Every minute: the delay's p50/p99, ticks missed, and
 * the server's memory. Flat memory and a flat p99 are the pass.
 *   npm run bench -- soak                      (SOAK_MINUTES=30 npm run bench -- soak)
 */
import WebSocket from "ws";
import { serveDash, sleep } from "./lib/dash-serve.mjs";
import { line, summarize } from "./lib/stats.mjs";

const minutes = Number(process.env.SOAK_MINUTES ?? 2);
const viewers = Number(process.env.SOAK_VIEWERS ?? 200);
const server = await serveDash("bench/fixtures/soak-app.ts", ["--sessions-per-address", String(viewers + 50)]);
const wsUrl = `${server.url.replace("http", "ws")}/_dash/ws`;
let delays = [];
let seen = 0;
let closed = 0;
let opened = 0;
const open = async () => {
  const rows = 1 + (opened++ % 50); // 50 different inputs: runs that cannot all be shared
  const ws = new WebSocket(wsUrl, { origin: server.url, perMessageDeflate: false });
  let last = 0;
  ws.on("message", (data, binary) => {
    if (binary) return;
    const tick = /tick (\d+)/.exec(String(data));
    if (!tick) return;
    const at = Number(tick[1]);
    if (at <= last) return;
    last = at;
    seen++;
    delays.push(Date.now() - at);
  });
  ws.on("close", () => closed++);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  ws.send(JSON.stringify({ t: "hello" }));
  ws.send(JSON.stringify({ t: "set", id: "slider:Rows", value: rows }));
  return ws;
};
try {
  const sockets = [];
  for (let i = 0; i < viewers; i += 20) sockets.push(...(await Promise.all(Array.from({ length: Math.min(20, viewers - i) }, open))));
  await sleep(5000);
  delays = [];
  seen = 0;
  console.log(`${viewers} viewers on a 1 Hz source for ${minutes} min (dash serve, its own process)`);
  const rows = [];
  for (let minute = 1; minute <= minutes; minute++) {
    await sleep(60_000);
    const s = summarize(delays);
    const expected = viewers * 60;
    rows.push({ minute, p50: s.p50, p99: s.p99, seen, expected, rss: server.rssMb() });
    line(
      `minute ${minute}`,
      `tick delay p50 ${s.p50} ms · p99 ${s.p99} ms · max ${s.max} ms · ${seen} of ~${expected} ticks seen · RSS ${server.rssMb().toFixed(0)} MB · sockets closed ${closed}`,
    );
    delays = [];
    seen = 0;
  }
  const first = rows[0];
  const last = rows[rows.length - 1];
  line("server survived", server.exitCode() === null ? "yes" : `NO (${server.exitCode()})`, server.exitCode() === null);
  line("memory flat", `${first.rss.toFixed(0)} MB after minute 1, ${last.rss.toFixed(0)} MB after minute ${last.minute}`, last.rss - first.rss < 50);
  line("p99 flat", `${first.p99} ms in minute 1, ${last.p99} ms in minute ${last.minute}`, last.p99 < Math.max(2 * first.p99, first.p99 + 200));
  line("viewers dropped", `${closed}`, closed === 0);
  for (const ws of sockets) ws.close();
} finally {
  await server.stop();
}
