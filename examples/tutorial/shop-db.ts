// examples/tutorial/shop-db.ts — the tutorial's database: a shop that takes an order every 2 s.
//
// It stands in for a real database so that the tutorial runs offline, and answers the way a
// database client does: asynchronously, with rows as plain objects. Its orders follow from the
// clock, so every script worker and every viewer sees the same ones. With Postgres and npm's
// `pg`, the same function would be:
//
//   import pg from "pg";
//   const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
//   pool.on("error", (error) => console.error("database:", error.message));
//   export async function recentOrders(minutes: number): Promise<Order[]> {
//     const { rows } = await pool.query(
//       "SELECT id, at, channel, amount FROM orders WHERE at > now() - make_interval(mins => $1) ORDER BY at",
//       [minutes],
//     );
//     return rows;
//   }

export interface Order {
  id: number;
  at: Date;
  channel: "web" | "app" | "store";
  amount: number;
}

const opened = Date.UTC(2025, 0, 1);
const gap = 2000; // one order every 2 s

/** The orders of the last `minutes` minutes, oldest first. */
export async function recentOrders(minutes: number): Promise<Order[]> {
  const now = Date.now();
  const from = Math.ceil((now - minutes * 60_000 - opened) / gap);
  const to = Math.floor((now - opened) / gap);
  const rows: Order[] = [];
  for (let id = from; id <= to; id++) rows.push(order(id));
  await new Promise((resolve) => setTimeout(resolve, 20)); // a database takes a moment
  return rows;
}

/** Order number `id`: the same every time it is asked for. */
function order(id: number): Order {
  const random = (salt: number): number => {
    const x = Math.sin(id * 12.9898 + salt * 78.233) * 43758.5453;
    return x - Math.floor(x);
  };
  const channels = ["web", "app", "store"] as const;
  return {
    id,
    at: new Date(opened + id * gap),
    channel: channels[Math.floor(random(1) * 3)]!,
    amount: Math.round(5 + random(2) * 195),
  };
}
