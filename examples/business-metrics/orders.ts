/**
 * Two years of daily orders for the business-metrics example, generated (the same numbers on every
 * run): a yearly season, weekends, growth, and a few promotion spikes, split by channel, region and
 * product. Replace `days` with your own query (BigQuery, a CSV…) and the app stays the same.
 */

export interface Day {
  date: Date;
  revenue: number;
  orders: number;
  byChannel: Record<string, number>;
  byRegion: Record<string, number>;
  products: { product: string; units: number; revenue: number }[];
}

const channels = { Web: 0.52, "Mobile app": 0.31, Stores: 0.17 };
const regions = { "North America": 0.41, Europe: 0.33, "Asia Pacific": 0.18, "Latin America": 0.08 };
const catalog = [
  { product: "Trail running shoes", price: 129 },
  { product: "Rain jacket", price: 189 },
  { product: "Merino base layer", price: 79 },
  { product: "Daypack 22 L", price: 95 },
  { product: "Water bottle", price: 24 },
  { product: "Headlamp", price: 45 },
  { product: "Trekking poles", price: 110 },
  { product: "Wool socks (3 pairs)", price: 36 },
];

/** A small deterministic random number generator (mulberry32), so the data is the same every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const dayMs = 86_400_000;
export const lastDay = new Date(Date.UTC(2025, 11, 31));
export const firstDay = new Date(+lastDay - (2 * 365 - 1) * dayMs);

export const days: Day[] = (() => {
  const next = random(7);
  const out: Day[] = [];
  for (let t = +firstDay, i = 0; t <= +lastDay; t += dayMs, i++) {
    const date = new Date(t);
    const season = 1 + 0.25 * Math.sin(((date.getUTCMonth() + 1) / 12) * 2 * Math.PI - 1.2);
    const weekend = [0, 6].includes(date.getUTCDay()) ? 1.3 : 1;
    const promotion = i % 97 < 3 ? 1.8 : 1;
    const orders = Math.round(220 * (1 + i / 900) * season * weekend * promotion * (0.85 + 0.3 * next()));
    const basket = 68 + 14 * next();
    const revenue = Math.round(orders * basket * 100) / 100;
    const split = (shares: Record<string, number>, total: number): Record<string, number> =>
      Object.fromEntries(Object.entries(shares).map(([name, share]) => [name, Math.round(total * share * (0.9 + 0.2 * next()) * 100) / 100]));
    const byChannel = split(channels, revenue);
    const byRegion = Object.fromEntries(Object.entries(split(regions, orders)).map(([name, n]) => [name, Math.round(n)]));
    const products = catalog.map(({ product, price }, k) => {
      const units = Math.round((orders / catalog.length) * (1.6 - k * 0.15) * (0.8 + 0.4 * next()));
      return { product, units, revenue: units * price };
    });
    out.push({ date, revenue, orders, byChannel, byRegion, products });
  }
  return out;
})();
