// examples/tutorial/first.ts — run with: npx dash run examples/tutorial/first.ts
import * as dash from "dash";

dash.title("My first dashboard");
dash.markdown("Move a slider: the script runs again from the top, and the page follows.");

const days = dash.slider("Days", { min: 7, max: 90, value: 30 });
const growth = dash.slider("Daily growth (%)", { min: -5, max: 5, step: 0.5, value: 1 });

// Plain TypeScript: an array of rows, one per day.
const rows = Array.from({ length: days }, (_, i) => ({
  day: i + 1,
  visitors: Math.round(1000 * (1 + growth / 100) ** i),
}));

const first = rows[0]!.visitors;
const last = rows[rows.length - 1]!.visitors;
dash.metric("Visitors on the last day", last, { delta: last - first });
dash.lineChart(rows, { x: "day", y: "visitors", title: "Visitors per day" });
dash.table(rows, { height: 250 });
