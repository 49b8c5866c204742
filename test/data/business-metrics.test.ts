// The business-metrics example: the period drives the three metrics (against the period before),
// the revenue chart follows the "Revenue by" choice, and the picker keeps to the data's days.
import path from "node:path";
import { describe, expect, test } from "vitest";
import { testApp } from "../../packages/cli/src/testing.ts";
import { days } from "../../examples/business-metrics/orders.ts";

const file = path.join(import.meta.dirname, "../../examples/business-metrics/app.ts");

describe("business-metrics example", () => {
  test("metrics, charts and table for the period; deltas against the period before", async () => {
    const app = await testApp(file, { timeout: 60 });
    expect(app.exceptions).toEqual([]);
    const revenue = app.get("metric", "Revenue");
    // The last 90 days of the data by default, against the 90 before.
    const sum = (list: typeof days): number => list.reduce((total, d) => total + d.revenue, 0);
    const last = days.slice(-90);
    const before = days.slice(-180, -90);
    expect(revenue.value).toBeCloseTo(sum(last), 2);
    const delta = ((sum(last) - sum(before)) / sum(before)) * 100;
    expect(revenue.props.delta).toBe(`${delta >= 0 ? "+" : ""}${delta.toFixed(1)}%`);
    expect(app.getAll("chart").map((c) => c.props.title)).toEqual(["Revenue by week and channel (USD)", "Orders by region"]);
    expect(app.get("table").props.rows).toBe(8);

    app.widget("radio", "Revenue by").set("month");
    await app.run();
    expect(app.getAll("chart")[0]!.props.title).toBe("Revenue by month and channel (USD)");

    // The first week of the data: nothing before it to compare with, so no deltas.
    app.widget("dateInput", "Period").set([days[0]!.date, days[6]!.date]);
    await app.run();
    expect(app.get("metric", "Orders").value).toBe(days.slice(0, 7).reduce((total, d) => total + d.orders, 0));
    expect(app.get("metric", "Orders").props.delta).toBeUndefined();
    // A period outside the data is refused by the picker (its min and max), as in the browser.
    expect(() => app.widget("dateInput", "Period").set([new Date("2020-01-01"), new Date("2020-01-31")])).toThrow(/not a valid value/);
  });
});
