// Live top hashtags: a streaming pipeline writes a window of hashtag counts to a bucket every few
// seconds; this page shows the newest window and the trend of the leaders, and refreshes itself
// for every viewer. Offline: npm run example:hashtags. A real bucket: see README.md.
import * as dash from "dash";

interface Row {
  hashtag: string;
  count: number;
  window_start: string;
  window_end: string;
}

const bucket = process.env.HASHTAGS_BUCKET ?? "dash-hashtags";
const prefix = process.env.HASHTAGS_PREFIX ?? "windows/";
const every = process.env.HASHTAGS_EVERY ?? "5s";
const windows = Number(process.env.HASHTAGS_WINDOWS ?? 12);

dash.page({ title: "Live hashtags", icon: "#️⃣", layout: "wide" });
dash.title("Top hashtags, live");
dash.caption(`Windowed counts from gs://${bucket}/${prefix}, checked every ${every} — once for all viewers.`);

// The newest `windows` objects under the prefix, as one table: one listing per check, and only
// a new window is downloaded.
const recent = await dash.gcs(`gs://${bucket}/${prefix}`, { latest: windows, every, format: "json" });
const rows = recent.toArray().map((row) => row.toJSON() as Row);
const starts = [...new Set(rows.map((row) => row.window_start))].sort();
const newestStart = starts.at(-1);
const newest = rows.filter((row) => row.window_start === newestStart).sort((a, b) => b.count - a.count);
const previous = rows.filter((row) => row.window_start === starts.at(-2));

const time = (iso: string | undefined) => (iso ? new Date(iso).toISOString().slice(11, 19) : "—");
const leader = newest[0];
const total = newest.reduce((sum, row) => sum + row.count, 0);
const previousTotal = previous.reduce((sum, row) => sum + row.count, 0);

const [a, b, c] = dash.columns(3);
a.metric("Window (UTC)", `${time(leader?.window_start)}–${time(leader?.window_end)}`);
b.metric("Tagged posts", total, previous.length ? { delta: total - previousTotal } : {});
c.metric("Top hashtag", leader ? `${leader.hashtag} (${leader.count})` : "—");

const top = newest.slice(0, 10);
dash.barChart(top, { x: "hashtag", y: "count", title: `Top ${top.length} hashtags, window ending ${time(leader?.window_end)} UTC`, height: 320 });

const leaders = new Set(newest.slice(0, 5).map((row) => row.hashtag));
const trend = rows
  .filter((row) => leaders.has(row.hashtag))
  .map((row) => ({ window: new Date(row.window_end), hashtag: row.hashtag, count: row.count }))
  .sort((x, y) => +x.window - +y.window);
dash.lineChart(trend, { x: "window", y: "count", color: "hashtag", title: `This window's top 5 over the last ${starts.length} windows`, height: 300 });
