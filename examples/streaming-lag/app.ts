// Event time vs processing time for a stream of events: on-time events sit just under the
// diagonal, late ones float above it. Run it with: npx dash run examples/streaming-lag/app.ts
import * as dash from "dash";
import { Plot } from "dash";

dash.page({ title: "Streaming lag", icon: "⏱️" });
dash.title("Event time vs processing time");
dash.caption("Each dot is an event. Processing time is when the pipeline saw it; points above the diagonal arrived late.");

const lag = dash.slider("Typical lag (seconds)", { min: 0, max: 120, value: 20, step: 5 });
const lateShare = dash.slider("Share of late events (%)", { min: 0, max: 50, value: 10 });
const count = dash.select("Events", [2_000, 20_000, 200_000], { value: 20_000, format: (n) => n.toLocaleString("en-US") });

/** Deterministic events: the same settings draw the same stream. */
function events(n: number, lagSeconds: number, latePercent: number): { event: Date; processed: Date; delay: number; kind: string }[] {
  let seed = 42;
  const rand = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const start = Date.UTC(2024, 0, 1, 12, 0, 0);
  const span = 60 * 60 * 1000; // one hour of events
  return Array.from({ length: n }, (_, i) => {
    const event = start + (i / n) * span + rand() * 1000;
    const late = rand() * 100 < latePercent;
    const delay = -Math.log(rand() || 1e-9) * lagSeconds * 1000 * (late ? 8 : 0.3) + 50;
    return { event: new Date(event), processed: new Date(event + delay), delay: Math.round(delay) / 1000, kind: late ? "late" : "on time" };
  });
}

const stream = events(count, lag, lateShare);
const late = stream.filter((e) => e.kind === "late").length;
const [a, b, c] = dash.columns(3);
a.metric("Events", stream.length.toLocaleString("en-US"));
b.metric("Late", late.toLocaleString("en-US"), { delta: `${((late / stream.length) * 100).toFixed(1)} %`, deltaColor: "inverse" });
c.metric("Median delay", `${[...stream.map((e) => e.delay)].sort((x, y) => x - y)[Math.floor(stream.length / 2)]!.toFixed(2)} s`);

dash.scatterChart(stream, {
  x: "event",
  y: "processed",
  color: "kind",
  title: "Processing time against event time",
  xLabel: "event time",
  yLabel: "processing time",
  height: 380,
});

dash.subheader("Delay distribution");
dash.plot({
  marks: [Plot.rectY(stream, Plot.binX({ y: "count" }, { x: "delay", fill: "kind", thresholds: 80, tip: true })), Plot.ruleY([0])],
  x: { label: "delay (s)", type: "linear" },
  y: { grid: true, type: "sqrt" },
  color: { legend: true },
  height: 220,
});
