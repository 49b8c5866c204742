/**
 * Issue 16 (1): WebSocket fuzzing. 100,000 hostile messages (FUZZ_COUNT) over 20 sockets against
 * `npx dash serve examples/hello/app.ts` (random bytes, bad UTF-8, truncated and mutated messages,
 * wrong types, huge numbers, deep nesting, 1 MB strings, unknown ids, __proto__/constructor keys,
 * binary frames with bad headers, 3 MB frames; see bench/lib/fuzz.mjs), while a well-behaved viewer
 * clicks a button every 100 ms and checks every click comes back. Figures: tried / survived /
 * lost, the viewer's round trips, and the server's memory before and after.
 *   npm run bench -- fuzz          (FUZZ_COUNT=10000 npm run bench -- fuzz for a short run)
 */
import { fuzz, helloViewer } from "./lib/fuzz.mjs";
import { serveDash, sleep } from "./lib/dash-serve.mjs";
import { line, report } from "./lib/stats.mjs";

const count = Number(process.env.FUZZ_COUNT ?? 100_000);
const server = await serveDash("examples/hello/app.ts");
try {
  const viewer = await helloViewer(server.url);
  for (let i = 0; i < 20; i++) await viewer.click(); // warm up
  await sleep(1000);
  const before = server.rssMb();
  const trips = [];
  let clicks = 0;
  let lost = 0;
  let fuzzing = true;
  const clicking = (async () => {
    while (fuzzing) {
      clicks++;
      try {
        trips.push(await viewer.click(15_000));
      } catch {
        lost++;
      }
      await sleep(100);
    }
  })();
  const started = performance.now();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, server.rssMb())), 250);
  const stats = await fuzz({ url: server.url, count, sockets: 20, seed: 16 });
  const seconds = (performance.now() - started) / 1000;
  fuzzing = false;
  await clicking;
  clearInterval(sampler);
  // Closed sockets' buffers go back to the system within about half a minute (GC, then malloc trimming).
  await sleep(5000);
  const soon = server.rssMb();
  await sleep(55_000);
  const after = server.rssMb();
  line("messages tried", `${stats.sent} over 20 sockets (${stats.connections} connections) in ${seconds.toFixed(1)} s`);
  line(
    "by kind",
    Object.entries(stats.byKind)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(", "),
  );
  line(
    "server closed a fuzzing socket",
    Object.entries(stats.closes)
      .map(([code, n]) => `${code}×${n}`)
      .join(", "),
  );
  line("server survived", server.exitCode() === null ? "yes (still running)" : `NO, exited with ${server.exitCode()}`, server.exitCode() === null);
  line("viewer updates lost", `${lost} of ${clicks} clicks (confirmed ${viewer.confirmed()})`, lost === 0);
  report("viewer click round trip during the fuzz", trips, "ms");
  line(
    "server RSS",
    `${before.toFixed(0)} MB before, ${peak.toFixed(0)} MB peak, ${soon.toFixed(0)} MB 5 s after, ${after.toFixed(0)} MB 60 s after (${(after - before).toFixed(0)} MB growth)`,
    after - before < 50,
  );
  viewer.close();
} finally {
  await server.stop();
}
