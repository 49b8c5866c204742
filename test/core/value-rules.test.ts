// Each widget's value rule, as declared in packages/widgets/src/widget.ts, called on its own with
// the `given` a call would pass: what the browser may send, what a kept value must be, how it
// travels and how the URL reads it.
import { expect, test } from "vitest";
import { maybeOptions } from "../../packages/widgets/src/common.ts";
import {
  chartWidget,
  checkboxWidget,
  colorPickerWidget,
  dateInputWidget,
  multiselectWidget,
  selectSliderWidget,
  selectWidget,
  sliderWidget,
  tableWidget,
  textInputWidget,
  timeInputWidget,
} from "../../packages/widgets/src/widget.ts";

test("slider: clamped to its bounds, snapped to its step; a range is an ordered pair", () => {
  const rule = sliderWidget.value;
  const one = { min: 0, max: 10, step: 0.5, range: false };
  expect(rule.parse(12, one)).toBe(10);
  expect(rule.parse(3.3, one)).toBe(3.5);
  expect(rule.parse("3", one)).toBeUndefined();
  expect(rule.parse([1, 2], one)).toBeUndefined();
  const pair = { ...one, range: true };
  expect(rule.parse([9, -4], pair)).toEqual([0, 9]);
  expect(rule.parse(4, pair)).toBeUndefined();
  expect(rule.fromQuery!("2,7", pair)).toEqual([2, 7]);
});

test("select: an index into this call's options; kept values must still be among them", () => {
  const list = maybeOptions([{ name: "CA" }, { name: "TX" }]);
  const rule = selectWidget.value;
  expect(rule.parse(1, list)).toEqual({ name: "TX" });
  expect(rule.parse(2, list)).toBeUndefined();
  expect(rule.parse(0.5, list)).toBeUndefined();
  expect(rule.coerce({ name: "CA" }, list)).toEqual({ name: "CA" });
  expect(rule.coerce({ name: "NY" }, list)).toBeUndefined();
  expect(rule.toWire({ name: "TX" }, list)).toBe(1);
  expect(rule.fromQuery!("TX", list)).toEqual({ name: "TX" });
  expect(rule.toQuery!({ name: "CA" }, list)).toBe("CA");
});

test("multiselect and selectSlider: indexes in the list's order, within the limit", () => {
  const list = maybeOptions(["a", "b", "c"]);
  expect(multiselectWidget.value.parse([2, 0, 2], { list, max: 3 })).toEqual(["a", "c"]);
  expect(multiselectWidget.value.parse([0, 1, 2], { list, max: 2 })).toBeUndefined();
  expect(multiselectWidget.value.fromQuery!("c,a", { list, max: 3 })).toEqual(["a", "c"]);
  expect(selectSliderWidget.value.parse([2, 0], { list, range: true })).toEqual(["a", "c"]);
  expect(selectSliderWidget.value.toWire(["b", "c"], { list, range: true })).toEqual([1, 2]);
  expect(selectSliderWidget.value.parse(3, { list, range: false })).toBeUndefined();
});

test("dates, times, colors, text, booleans", () => {
  const day = (text: string): Date => new Date(`${text}T00:00:00Z`);
  const bounds = { range: false, min: "2024-01-01", max: "2024-12-31" };
  expect(dateInputWidget.value.parse("2024-05-06", bounds)).toEqual(day("2024-05-06"));
  expect(dateInputWidget.value.parse("2025-01-01", bounds)).toBeUndefined();
  expect(dateInputWidget.value.parse(["2024-03-01", "2024-02-01"], { ...bounds, range: true })).toEqual([day("2024-02-01"), day("2024-03-01")]);
  expect(dateInputWidget.value.toWire(day("2024-05-06"), bounds)).toBe("2024-05-06");
  expect(timeInputWidget.value.parse("09:30:15", undefined)).toBe("09:30");
  expect(timeInputWidget.value.parse("24:00", undefined)).toBeUndefined();
  expect(colorPickerWidget.value.fromQuery!("FF0000", undefined)).toBe("#ff0000");
  expect(textInputWidget.value.parse("abcdef", { maxChars: 3 })).toBe("abc");
  expect(checkboxWidget.value.fromQuery!("yes", undefined)).toBeUndefined();
});

test("table: a sort by one of its columns, or none; chart: a width the browser could report", () => {
  const names = new Set(["state", "pm25"]);
  expect(tableWidget.value.parse({ column: "pm25", desc: true }, { names })).toEqual({ column: "pm25", desc: true });
  expect(tableWidget.value.parse({ column: "gone", desc: true }, { names })).toBeUndefined();
  expect(tableWidget.value.parse(null, { names })).toBeNull();
  expect(chartWidget.value.parse(640.4, undefined)).toBe(640);
  expect(chartWidget.value.parse(50_000, undefined)).toBeUndefined();
});
