// Business metrics with a time-range picker: revenue, orders and average order value for the range,
// each against the period of the same length just before it; revenue over time by channel; orders by
// region; the best-selling products. Runs offline on generated orders (two years, deterministic):
//   npx dash run examples/business-metrics/app.ts
import * as dash from "dash";
import { days, firstDay, lastDay, type Day } from "./orders.ts";

dash.page({ title: "Business metrics", icon: "📈", layout: "wide" });
dash.title("Business metrics");

const dayMs = 86_400_000;
const [from, to] = dash.sidebar.dateInput("Period", {
  value: [new Date(+lastDay - 89 * dayMs), lastDay],
  min: firstDay,
  max: lastDay,
  key: "period",
  query: "period",
});
const step = dash.sidebar.radio("Revenue by", ["day", "week", "month"], { value: "week", key: "step", query: "by" });

/** The days from `start` to `end`, both included. */
const within = (start: Date, end: Date): Day[] => days.filter((d) => d.date >= start && d.date <= end);
const current = within(from, to);
// The period of the same length just before: what the deltas compare with.
const length = Math.round((+to - +from) / dayMs) + 1;
const previous = within(new Date(+from - length * dayMs), new Date(+from - dayMs));

const totals = (list: Day[]) => {
  const revenue = list.reduce((sum, d) => sum + d.revenue, 0);
  const orders = list.reduce((sum, d) => sum + d.orders, 0);
  return { revenue, orders, basket: orders ? revenue / orders : 0 };
};
const now = totals(current);
const before = totals(previous);
const change = (a: number, b: number): string | null => (b ? `${a >= b ? "+" : ""}${(((a - b) / b) * 100).toFixed(1)}%` : null);

dash.caption(`${from.toISOString().slice(0, 10)} to ${to.toISOString().slice(0, 10)} (${length} days), against the ${length} days before.`);
const [a, b, c] = dash.columns(3);
const usd = { style: "currency", currency: "USD", maximumFractionDigits: 0 } as const;
a.metric("Revenue", now.revenue, { delta: change(now.revenue, before.revenue), format: usd });
b.metric("Orders", now.orders, { delta: change(now.orders, before.orders) });
c.metric("Average order", now.basket, { delta: change(now.basket, before.basket), format: { ...usd, maximumFractionDigits: 2 } });

/** The first day of the week (Monday) or month holding `date`, for grouping. */
const bucket = (date: Date): number => {
  if (step === "day") return +date;
  if (step === "month") return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  return +date - ((date.getUTCDay() + 6) % 7) * dayMs;
};
const byChannel = new Map<string, { date: Date; channel: string; revenue: number }>();
for (const d of current) {
  const start = bucket(d.date);
  for (const [channel, revenue] of Object.entries(d.byChannel)) {
    const key = `${start}|${channel}`;
    const row = byChannel.get(key) ?? { date: new Date(start), channel, revenue: 0 };
    row.revenue += revenue;
    byChannel.set(key, row);
  }
}
const [left, right] = dash.columns([2, 1]);
left.areaChart([...byChannel.values()], { x: "date", y: "revenue", color: "channel", title: `Revenue by ${step} and channel (USD)`, height: 300 });

const regions = new Map<string, number>();
for (const d of current) for (const [region, orders] of Object.entries(d.byRegion)) regions.set(region, (regions.get(region) ?? 0) + orders);
const regionRows = [...regions].map(([region, orders]) => ({ region, orders })).sort((x, y) => y.orders - x.orders);
right.barChart(regionRows, { x: "region", y: "orders", horizontal: true, title: "Orders by region", height: 300 });

const products = new Map<string, { product: string; units: number; revenue: number }>();
for (const d of current)
  for (const sale of d.products) {
    const row = products.get(sale.product) ?? { product: sale.product, units: 0, revenue: 0 };
    row.units += sale.units;
    row.revenue += sale.revenue;
    products.set(sale.product, row);
  }
dash.subheader("Best-selling products");
dash.table(
  [...products.values()].sort((x, y) => y.revenue - x.revenue),
  { columns: { product: "Product", units: { label: "Units", format: "," }, revenue: { label: "Revenue", format: "$,.0f" } }, height: 320 },
);
