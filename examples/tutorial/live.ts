// examples/tutorial/live.ts — run with: npx dash run examples/tutorial/live.ts
import * as dash from "dash";
import { recentOrders } from "./shop-db.ts";

dash.page({ title: "Shop, live", layout: "wide" });
dash.title("Shop, live");
const minutes = dash.sidebar.slider("Last minutes", { min: 1, max: 30, value: 10 });

// One query every 2 s for the whole server, however many people watch; every open page
// reruns by itself when the rows change. The window is part of the key: one query per window.
const orders = await dash.poll(`orders:${minutes}`, () => recentOrders(minutes), { every: "2s" });

const revenue = orders.reduce((sum, order) => sum + order.amount, 0);
const usd = { style: "currency", currency: "USD" } as const;
const [left, middle, right] = dash.columns(3);
left.metric("Orders", orders.length);
middle.metric("Revenue", revenue, { format: usd });
right.metric("Average order", orders.length ? revenue / orders.length : 0, { format: usd });

// Revenue per minute and channel: one row per minute, one column per channel.
const perMinute = new Map<number, { minute: Date; web: number; app: number; store: number }>();
for (const order of orders) {
  const minute = Math.floor(order.at.getTime() / 60_000) * 60_000;
  const row = perMinute.get(minute) ?? { minute: new Date(minute), web: 0, app: 0, store: 0 };
  row[order.channel] += order.amount;
  perMinute.set(minute, row);
}
dash.lineChart([...perMinute.values()], { x: "minute", title: "Revenue per minute (USD)", yLabel: "USD" });

dash.subheader("Latest orders");
dash.table(orders.slice(-8).reverse(), { height: 300 });
