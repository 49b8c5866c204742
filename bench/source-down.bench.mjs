/**
 * Issue 16 (4): a source down for minutes. `npx dash serve bench/fixtures/source-app.ts` polls an
 * HTTP API (a server this bench runs on 127.0.0.1) every second; a viewer in Chromium watches.
 * The API goes away for SOURCE_DOWN_SECONDS (default 120) and comes back with a new value.
 * Figures: how soon the page says the data is stale, that it keeps the last good value and takes
 * the viewer's input meanwhile, and how soon after the API is back the new value shows.
 *   npm run bench -- source-down               (SOURCE_DOWN_SECONDS=30 for a short run)
 */
import http from "node:http";
import { launchChromium } from "./lib/chromium.mjs";
import { serveDash, sleep } from "./lib/dash-serve.mjs";
import { line } from "./lib/stats.mjs";

const downFor = Number(process.env.SOURCE_DOWN_SECONDS ?? 120) * 1000;
let value = "first";
const api = http.createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ value })));
const listen = (port = 0) => new Promise((resolve) => api.listen(port, "127.0.0.1", () => resolve(api.address().port)));
const port = await listen();
const server = await serveDash("bench/fixtures/source-app.ts", [], { SOURCE_URL: `http://127.0.0.1:${port}/` });
const browser = await launchChromium();
const waitFor = async (page, text, timeout) => {
  const started = performance.now();
  await page.getByText(text).first().waitFor({ timeout });
  return performance.now() - started;
};
try {
  const page = await browser.newPage();
  await page.goto(server.url);
  await waitFor(page, "Value: first", 30_000);

  // Down: the port refuses connections.
  api.closeAllConnections();
  await new Promise((resolve) => api.close(resolve));
  const wentDown = performance.now();
  const staleAfter = await waitFor(page, "Stale data", downFor);
  const keptDuring = [];
  let typed = false;
  while (performance.now() - wentDown < downFor) {
    await sleep(Math.min(15_000, downFor - (performance.now() - wentDown)));
    keptDuring.push((await page.getByText("Value: first").count()) > 0 && (await page.getByText("Stale data").count()) > 0);
    if (!typed) {
      // Entered while the source is down: the script still runs, on the last good data.
      await page.getByLabel("Note").fill("typed while down");
      await page.getByLabel("Note").press("Enter");
      await waitFor(page, "Note: typed while down", 15_000);
      typed = true;
    }
  }
  await page.screenshot({ path: new URL("./out/source-down.png", import.meta.url).pathname });
  // Back, with a new value.
  value = "second";
  await listen(port);
  const recovered = await waitFor(page, "Value: second", 6 * 60_000);
  const staleGone = (await page.getByText("Stale data").count()) === 0;
  const kept = keptDuring.every(Boolean);
  line("source down", `${(downFor / 1000).toFixed(0)} s (connections refused)`);
  line("page says the data is stale", `${(staleAfter / 1000).toFixed(1)} s after the source went down`, staleAfter < 10_000);
  line("last good value kept, stale notice shown", `${keptDuring.filter(Boolean).length} of ${keptDuring.length} checks`, kept);
  line("input entered while down", typed ? "applied (the script reran on the last good data)" : "not tried", typed);
  line("new value shown", `${(recovered / 1000).toFixed(1)} s after the source came back (retries back off from 1 s, doubling, up to 5 min)`);
  line("stale notice gone", staleGone ? "yes" : "no", staleGone);
  line("server survived", server.exitCode() === null ? "yes" : `NO (${server.exitCode()})`, server.exitCode() === null);
} finally {
  await browser.close();
  await server.stop();
  api.close();
}
