// Charts are first drawn without their pointer tooltips; `withoutTips` makes that spec.
import { expect, test } from "vitest";
import type { Json } from "../../packages/runtime/src/protocol.ts";
import { withoutTips } from "../../packages/widgets/src/client/chart.tsx";

test("pointer tooltips come off a spec; callouts and everything else stay", () => {
  const spec: Json = {
    y: { grid: true },
    marks: [
      { mark: "lineY", data: { $data: "a" }, options: { x: "year", y: "pm10", tip: true } },
      { mark: "tip", data: { $data: "a" }, options: { $fn: "pointerX", args: [{ x: "year", y: "pm10" }] } },
      { mark: "tip", data: [{ x: 1, y: 2 }], options: { x: "x", y: "y", title: "a callout" } },
      { mark: "ruleY", data: [0] },
    ],
  };
  expect(withoutTips(spec)).toEqual({
    y: { grid: true },
    marks: [
      { mark: "lineY", data: { $data: "a" }, options: { x: "year", y: "pm10" } },
      { mark: "tip", data: [{ x: 1, y: 2 }], options: { x: "x", y: "y", title: "a callout" } },
      { mark: "ruleY", data: [0] },
    ],
  });
  expect(withoutTips({ marks: [{ mark: "ruleY", data: [0] }] })).toBeNull(); // nothing to take off
});
