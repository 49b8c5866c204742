/**
 * What one script worker spends when a live source changes under many viewers of the same page
 * (issue 13): the viewers' sessions share one run (shared-runs.ts) and every other session adopts
 * it. In-process, with the worker's own parts: its snapshot store (cluster/snapshot.ts) and live
 * data's watcher. The page is the viewers bench's (a title, a slider, 18 texts, one of which shows
 * the data). Figures: CPU ms per rerun of all the sessions (p50/p99 over the reruns), µs per
 * session, the texts and bytes sent, at 1,000, 5,000 and 10,000 sessions (cost growth at 10×).
 *   npm run bench -- shared-runs          (BENCH_SESSIONS="10000" for one size)
 */
import type { ServerMessage } from "../packages/runtime/src/protocol.ts";
import { Session } from "../packages/runtime/src/session.ts";
import { RunSharing } from "../packages/runtime/src/shared-runs.ts";
import { WorkerSnapshots, type Snapshot } from "../packages/runtime/src/cluster/snapshot.ts";
import type { Services } from "../packages/runtime/src/services.ts";
import { scriptApi } from "../packages/widgets/src/index.ts";
import { liveWatcher } from "../packages/widgets/src/live.ts";
import { onePage } from "../test/support/app.ts";
// @ts-expect-error -- plain ESM helper without types
import { line, report } from "./lib/stats.mjs";

const dash = scriptApi() as {
  title(text: string): void;
  slider(label: string, options: { min: number; max: number; value: number }): number;
  text(body: string): void;
};
(globalThis as { __dashApi?: object }).__dashApi ??= dash;

let tick = 0;
const app = onePage(() => {
  dash.title("Viewers");
  const level = dash.slider("Level", { min: 0, max: 10, value: 0 });
  dash.text(`tick:${tick}: level ${level}`);
  for (let i = 0; i < 17; i++) dash.text(`row ${i}`);
});

async function worker(count: number) {
  const sessions: Session[] = [];
  const sent = { texts: 0, bytes: 0, frames: 0 };
  const snapshots = new WorkerSnapshots({ changed: () => {}, warn: () => {} });
  const sharing = new RunSharing({
    snapshotOf: (session) => snapshots.whole(session.id),
    adopted: (adopted, _run, bytes) => {
      for (const session of adopted) snapshots.keep(session.id, bytes);
    },
    sendMany: (adopted, text) => {
      sent.texts++;
      sent.bytes += text.length;
      sent.frames += adopted.length;
    },
    flush: () => {},
  });
  const services: Services = { enter: () => {}, watchers: [liveWatcher] };
  for (let i = 0; i < count; i++) {
    const sid = `s${i}`;
    const host = {
      send: (message: ServerMessage) => {
        sharing.sent(sid, message.t);
        sent.frames++;
        sent.bytes += JSON.stringify(message).length;
      },
      sendBinary: () => {},
      snapshot: (snapshot: Snapshot) => void snapshots.take(sid, snapshot),
    };
    const session = new Session(sid, host, app, { ids: sharing.ids(), services });
    session.attach(undefined);
    sessions.push(session);
    await session.rerunNow();
  }
  return { sessions, sharing, sent };
}

/** Until the rerun of `count` sessions is over: one ran it, the others adopted it. */
const adoptedAll = async (sharing: RunSharing, before: number, count: number): Promise<void> => {
  while (sharing.counts.adopted < before + count - 1) await new Promise((resolve) => setImmediate(resolve));
};

const perSession = new Map<number, number>();
const counts = (process.env.BENCH_SESSIONS ?? "1000 5000 10000").split(/\s+/).map(Number);
for (const count of counts) {
  const { sessions, sharing, sent } = await worker(count);
  const samples: number[] = [];
  for (let i = 0; i < 40; i++) {
    tick++;
    const before = { ...sent };
    const adopted = sharing.counts.adopted;
    const cpu = process.cpuUsage();
    sharing.rerun(sessions);
    await adoptedAll(sharing, adopted, count);
    const used = process.cpuUsage(cpu);
    if (i >= 10) samples.push((used.user + used.system) / 1000);
    if (i === 39)
      line(
        `  ${count.toLocaleString("en")} sessions: sent per rerun`,
        `${sent.texts - before.texts} text(s), ${sent.frames - before.frames} frames, ${sent.bytes - before.bytes} B`,
      );
  }
  const s = report(`${count.toLocaleString("en")} sessions, one shared rerun of all (CPU)`, samples, "ms", undefined, 1);
  perSession.set(count, (s.p50 * 1000) / count);
  line(`  per session`, `${perSession.get(count)!.toFixed(1)} µs`);
  if (sharing.counts.alone > count) throw new Error(`sessions ran alone: ${JSON.stringify(sharing.counts)}`);
}
if (perSession.has(1000) && perSession.has(10_000))
  line("growth at 10× sessions (µs per session, 10,000 vs 1,000)", `${(perSession.get(10_000)! / perSession.get(1000)!).toFixed(2)}×`);
