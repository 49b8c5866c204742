// A stand-in for a streaming pipeline's windowed output: every `every` ms it writes the hashtag
// counts of the window that just closed to gs://<bucket>/<prefix><window start ISO>.json, rows
// { hashtag, count, window_start, window_end }. It uses the real @google-cloud/storage client,
// so it writes to a real bucket as happily as to the local server (STORAGE_EMULATOR_HOST).
//
// Standalone: HASHTAGS_BUCKET=my-bucket node examples/live-hashtags/generator.mjs
import { Storage } from "@google-cloud/storage";

const tags = [
  "#typescript",
  "#javascript",
  "#dataviz",
  "#bigquery",
  "#streamlit",
  "#nodejs",
  "#duckdb",
  "#arrow",
  "#gcp",
  "#dataengineering",
  "#llm",
  "#rust",
  "#python",
  "#observable",
  "#sql",
];

/** Standard credentials; against a local server (STORAGE_EMULATOR_HOST) a project id is all it needs to create the bucket. */
function defaultStorage() {
  return new Storage(process.env.STORAGE_EMULATOR_HOST && !process.env.GOOGLE_CLOUD_PROJECT ? { projectId: "local" } : {});
}

/** A small seeded random generator, so runs are reproducible. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The counts of one window: each tag's popularity drifts, so the leaders change over time. */
export function makeWindow(start, ms, weights, next) {
  for (let i = 0; i < weights.length; i++) weights[i] = Math.max(0.2, weights[i] * Math.exp((next() - 0.5) * 0.5));
  const end = new Date(start.getTime() + ms);
  return tags
    .map((hashtag, i) => ({ hashtag, count: Math.round(weights[i] * (40 + next() * 20)), window_start: start.toISOString(), window_end: end.toISOString() }))
    .sort((a, b) => b.count - a.count);
}

/**
 * Start writing windows. `backfill` windows that ended before now are written at once (so the
 * trend has history); then one window per `every` ms, aligned to the clock. Returns `stop()`.
 */
export async function startGenerator({ bucket, prefix = "windows/", every = 5000, backfill = 0, storage = defaultStorage(), seed = 42, log = () => {} }) {
  const next = random(seed);
  const weights = tags.map(() => 0.5 + next() * 2);
  const target = storage.bucket(bucket);
  const [exists] = await target.exists();
  if (!exists) await target.create();
  const write = async (start) => {
    const rows = makeWindow(start, every, weights, next);
    const name = `${prefix}${start.toISOString()}.json`;
    await target.file(name).save(JSON.stringify(rows), { contentType: "application/json", resumable: false });
    log(`wrote gs://${bucket}/${name} (top: ${rows[0].hashtag} ${rows[0].count})`);
    return name;
  };
  const aligned = Math.floor(Date.now() / every) * every;
  for (let i = backfill; i >= 1; i--) await write(new Date(aligned - i * every));
  let windowStart = aligned;
  let timer;
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    try {
      await write(new Date(windowStart));
      windowStart += every;
    } catch (error) {
      log(`could not write a window: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!stopped) timer = setTimeout(tick, Math.max(0, windowStart + every - Date.now()));
  };
  timer = setTimeout(tick, Math.max(0, aligned + every - Date.now()));
  return {
    /** Write the next window now (tests use this instead of waiting). */
    async writeNow() {
      const name = await write(new Date(windowStart));
      windowStart += every;
      return name;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bucket = process.env.HASHTAGS_BUCKET;
  if (!bucket) throw new Error("Set HASHTAGS_BUCKET to the bucket to write windows to.");
  await startGenerator({
    bucket,
    prefix: process.env.HASHTAGS_PREFIX ?? "windows/",
    every: Number(process.env.HASHTAGS_WINDOW_MS ?? 5000),
    backfill: Number(process.env.HASHTAGS_BACKFILL ?? 12),
    log: (line) => console.log(line),
  });
}
