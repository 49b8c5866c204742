// US air quality by state: the classic state-picker dashboard, over BigQuery's public datasets.
// Offline with a local BigQuery server: npm run example:air-quality (see README.md).
// Alone (bundled sample data, or BigQuery when GOOGLE_CLOUD_PROJECT is set): npx dash run examples/air-quality/app.ts
import * as dash from "dash";
import { Plot } from "dash";
import { dataSource, pollution, precipitation, states, temperature, zipCodes } from "./data.ts";

dash.page({ title: "US air quality", icon: "🌫️", layout: "wide" });
dash.title("US air quality");

const state = dash.sidebar.select(
  "State",
  states.map((s) => s.code),
  {
    value: "CA",
    format: (code) => `${states.find((s) => s.code === code)!.name} (${code})`,
    key: "state",
    query: "state",
  },
);
const name = states.find((s) => s.code === state)!.name;
dash.caption(`Pollutants, weather and population for ${name}. Data: ${dataSource}.`);

// The four queries run at once; each is cached for an hour across viewers.
const started = performance.now();
const [air, temps, rain, zips] = await Promise.all([pollution(state), temperature(state), precipitation(state), zipCodes(state)]);
const took = performance.now() - started;

const [a, b, c, d] = dash.columns([1, 1, 1, 1.7]);
a.lineChart(air, {
  x: "year",
  y: ["pm10", "pm25_frm", "pm25_nonfrm", "lead"],
  title: `Pollutant levels, ${state}`,
  yLabel: "µg/m³ (lead: 0.01 µg/m³)",
  height: 260,
});
b.areaChart(temps, { x: "date", band: ["min", "max"], y: "avg", title: `2016 daily temperature, ${state} (°F)`, yLabel: "°F", height: 260 });
c.barChart(rain, { x: "date", y: "prcp", title: `2016 daily precipitation, ${state} (in)`, height: 260 });
d.subheader(`Top ZIP codes, ${state}`);
d.table(zips, { height: 260, columns: { zip: "ZIP", population: { label: "Population", format: "," }, city: "City", state: "State" } });

dash.caption(`Data took ${took.toFixed(1)} ms.`);

dash.subheader("PM10 against the 2006 standard");
dash.plot({
  marks: [
    Plot.ruleY([150], { stroke: "var(--bad)", strokeDasharray: "4,3" }),
    Plot.lineY(air, { x: "year", y: "pm10", stroke: "var(--accent)", tip: { format: { x: "d" } } }),
    Plot.dot(air, { x: "year", y: "pm10", fill: (d: { pm10: number }) => (d.pm10 > 40 ? "high" : "ok"), r: 3 }),
  ],
  y: { grid: true, label: "PM10 (µg/m³)", domain: [0, 160] },
  x: { tickFormat: "d" },
  color: { legend: true, domain: ["ok", "high"], range: ["#3ecf8e", "#ff6b6b"] },
  height: 220,
});
