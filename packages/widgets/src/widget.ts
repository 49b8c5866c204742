/**
 * Every widget, declared once: its kind (the element type the server sends and the browser looks
 * its renderer up by), the props both halves share (the server builds them, the renderer reads
 * them typed), its value rule (how a value from the browser, from an earlier run or from the URL
 * is checked, and how it travels), and whether the value is kept between runs (`restorable`; a
 * button's is not: it is `true` only on the run its click caused).
 *
 * A value rule reads what one call of the widget decided (`given`: a slider's bounds, a select's
 * options), so the rule is written once here and each call passes its own `given`.
 *
 * Imports nothing heavy at run time (the shape of a declaration is in `defineWidget.ts`), so the
 * browser bundle takes the declarations as they are. The
 * server half (`slider.ts`) renders through `declared.render(scope, call)`; the browser half
 * (`client/slider.tsx`) reads `declared.propsOf(node)`; `client/index.ts` maps each kind to its
 * renderer, and `test/core/widget-lists.test.ts` fails when a kind, a renderer or an export is missing.
 */
import type { Json } from "@dash/runtime/protocol.ts";
import type { OptionList } from "./common.ts";
import { defineWidget, type CommonProps, type ValueRule } from "./defineWidget.ts";
import { rawFile, Upload, type UploadedFile } from "./upload.ts";

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));
const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
const isIndex = (value: unknown, length: number): value is number => typeof value === "number" && Number.isInteger(value) && value >= 0 && value < length;
const same = <T>(value: T): T => value;

export type ButtonVariant = "primary" | "secondary" | "tertiary";
type Placeholder = { placeholder?: string };
export type OptionProps = CommonProps & Placeholder & { options: string[] };

/** A button's value is `true` on the run its click caused (the runtime decides); nothing else sets it. */
const clickRule: ValueRule<boolean, boolean, undefined> = { parse: () => undefined, coerce: () => false, toWire: () => false };
export const buttonWidget = defineWidget<CommonProps & { variant: ButtonVariant }, boolean>()("button", { restorable: false, value: clickRule });
export const downloadButtonWidget = defineWidget<CommonProps & { data: Json; fileName: string; mime: string; size: number }, boolean>()("downloadButton", {
  restorable: false,
  value: clickRule,
});

/** A boolean that reads "true"/"false" from the URL. */
const booleanRule: ValueRule<boolean, boolean, undefined> = {
  parse: (wire) => (typeof wire === "boolean" ? wire : undefined),
  coerce: (value) => (typeof value === "boolean" ? value : undefined),
  toWire: same,
  fromQuery: (text) => (text === "true" ? true : text === "false" ? false : undefined),
  toQuery: (value) => String(value),
};
export const checkboxWidget = defineWidget<CommonProps, boolean>()("checkbox", { restorable: true, value: booleanRule });
export const toggleWidget = defineWidget<CommonProps, boolean>()("toggle", { restorable: true, value: booleanRule });

/** One option of a list, sent as its index, read from the URL by its label. */
const optionRule: ValueRule<unknown, number, OptionList<unknown>> = {
  parse: (wire, list) => (isIndex(wire, list.values.length) ? list.values[wire] : undefined),
  coerce: (value, list) => {
    const index = list.indexOf(value);
    return index >= 0 ? list.values[index] : undefined;
  },
  toWire: (value, list) => list.indexOf(value),
  fromQuery: (text, list) => {
    const index = list.labels.indexOf(text);
    return index >= 0 ? list.values[index] : undefined;
  },
  toQuery: (value, list) => list.labels[list.indexOf(value)] ?? "",
};
export const radioWidget = defineWidget<OptionProps & { horizontal?: boolean }, number>()("radio", { restorable: true, value: optionRule });
export const selectWidget = defineWidget<OptionProps, number>()("select", { restorable: true, value: optionRule });

/** Chosen options in the list's order, at most `max`, sent as indexes, read from the URL as labels. */
type Choices = { list: OptionList<unknown>; max: number };
const chosen = (indexes: number[], { list, max }: Choices): unknown[] | undefined => {
  if (indexes.some((i) => !isIndex(i, list.values.length)) || indexes.length > max) return undefined;
  return [...new Set(indexes)].sort((a, b) => a - b).map((i) => list.values[i]);
};
export const multiselectWidget = defineWidget<OptionProps & { maxSelections?: number }, number[]>()("multiselect", {
  restorable: true,
  value: {
    parse: (wire, given: Choices) => (Array.isArray(wire) && wire.every((i) => typeof i === "number") ? chosen(wire as number[], given) : undefined),
    coerce: (value, given) =>
      Array.isArray(value)
        ? chosen(
            value.map((v) => given.list.indexOf(v)),
            given,
          )
        : undefined,
    toWire: (value, { list }) => value.map((v) => list.indexOf(v)),
    fromQuery: (text, given) =>
      text === ""
        ? []
        : chosen(
            text.split(",").map((label) => given.list.labels.indexOf(label)),
            given,
          ),
    toQuery: (value, { list }) => value.map((v) => list.labels[list.indexOf(v)]).join(","),
  },
});

/** A number clamped to `[min, max]` and snapped to `step`, or an ordered pair of them for a range. */
type Bounds = { min: number; max: number; step: number; range: boolean };
const snapped = (value: unknown, { min, max, step, range }: Bounds): number | [number, number] | undefined => {
  const snap = (v: number): number => Number(clamp(min + Math.round((clamp(v, min, max) - min) / step) * step, min, max).toFixed(10));
  if (!range) return isNumber(value) ? snap(value) : undefined;
  if (!Array.isArray(value) || value.length !== 2 || !value.every(isNumber)) return undefined;
  const [a, b] = value.map(snap) as [number, number];
  return a <= b ? [a, b] : [b, a];
};
export const sliderWidget = defineWidget<CommonProps & { min: number; max: number; step: number; minLabel?: string; maxLabel?: string }, number | number[]>()(
  "slider",
  {
    restorable: true,
    value: {
      parse: snapped,
      coerce: snapped,
      toWire: same,
      fromQuery: (text, given) => snapped(given.range ? text.split(",").map(Number) : Number(text), given),
      toQuery: (value) => String(value),
    },
  },
);

/** An option, or an ordered `[from, to]` pair of them for a range, sent as indexes, read from the URL as labels. */
type Stops = { list: OptionList<unknown>; range: boolean };
const stops = (wire: unknown, { list, range }: Stops): unknown => {
  const ok = (i: unknown): i is number => isIndex(i, list.values.length);
  if (!range) return ok(wire) ? list.values[wire] : undefined;
  if (!Array.isArray(wire) || wire.length !== 2 || !wire.every(ok)) return undefined;
  const [a, b] = (wire as number[]).slice().sort((x, y) => x - y) as [number, number];
  return [list.values[a], list.values[b]];
};
export const selectSliderWidget = defineWidget<CommonProps & { options: string[]; range: boolean }, number | number[]>()("selectSlider", {
  restorable: true,
  value: {
    parse: stops,
    coerce: (value, given) => {
      if (given.range)
        return Array.isArray(value) && value.length === 2
          ? stops(
              value.map((v) => given.list.indexOf(v)),
              given,
            )
          : undefined;
      return stops(given.list.indexOf(value), given);
    },
    toWire: (value, { list, range }) => (range ? (value as unknown[]).map((v) => list.indexOf(v)) : list.indexOf(value)),
    fromQuery: (text, given) => stops(given.range ? text.split(",").map((l) => given.list.labels.indexOf(l)) : given.list.labels.indexOf(text), given),
    toQuery: (value, { list, range }) =>
      range ? (value as unknown[]).map((v) => list.labels[list.indexOf(v)]).join(",") : (list.labels[list.indexOf(value)] ?? ""),
  },
});

/** A finite number clamped to `[min, max]` (either may be infinite). */
type Range = { min: number; max: number };
const clamped = (value: unknown, { min, max }: Range): number | undefined => (isNumber(value) ? clamp(value, min, max) : undefined);
export const numberInputWidget = defineWidget<CommonProps & Placeholder & { step: number; min?: number; max?: number }, number>()("numberInput", {
  restorable: true,
  value: {
    parse: clamped,
    coerce: clamped,
    toWire: same,
    fromQuery: (text, given) => (text.trim() === "" ? undefined : clamped(Number(text), given)),
    toQuery: (value) => String(value),
  },
});

/** Text cut to `maxChars`. */
export type TextProps = CommonProps & Placeholder & { maxChars: number; password?: boolean; height?: number };
const cut = (value: unknown, { maxChars }: { maxChars: number }): string | undefined => (typeof value === "string" ? value.slice(0, maxChars) : undefined);
const textRule: ValueRule<string, string, { maxChars: number }> = { parse: cut, coerce: cut, toWire: same, fromQuery: cut, toQuery: same };
export const textInputWidget = defineWidget<TextProps, string>()("textInput", { restorable: true, value: textRule });
export const textAreaWidget = defineWidget<TextProps, string>()("textArea", { restorable: true, value: textRule });

/** Dates travel as `YYYY-MM-DD`; values are `Date`s at midnight UTC of that day. */
export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}
function parseDay(text: unknown): Date | undefined {
  if (typeof text !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const date = new Date(`${text}T00:00:00Z`);
  return Number.isNaN(+date) ? undefined : date;
}
/** A day within `[min, max]` (days as `YYYY-MM-DD`), or an ordered pair of them for a range. */
type Days = { range: boolean; min?: string | undefined; max?: string | undefined };
const days = (wire: unknown, { range, min, max }: Days): Date | [Date, Date] | undefined => {
  const inBounds = (date: Date | undefined): Date | undefined => {
    if (!date) return undefined;
    const day = dayOf(date);
    return (min && day < min) || (max && day > max) ? undefined : parseDay(day);
  };
  if (!range) return inBounds(parseDay(wire));
  if (!Array.isArray(wire) || wire.length !== 2) return undefined;
  const [a, b] = wire.map((w) => inBounds(parseDay(w)));
  if (!a || !b) return undefined;
  return a <= b ? [a, b] : [b, a];
};
export const dateInputWidget = defineWidget<CommonProps & { range: boolean; min?: string; max?: string }, string | string[]>()("dateInput", {
  restorable: true,
  value: {
    parse: days,
    coerce: (value, given) => {
      if (given.range)
        return Array.isArray(value) && value.every((v) => v instanceof Date)
          ? days(
              value.map((v: Date) => dayOf(v)),
              given,
            )
          : undefined;
      return value instanceof Date && !Number.isNaN(+value) ? days(dayOf(value), given) : undefined;
    },
    toWire: (value) => (Array.isArray(value) ? value.map(dayOf) : dayOf(value)),
    fromQuery: (text, given) => days(given.range ? text.split(",") : text, given),
    toQuery: (value) => (Array.isArray(value) ? value.map(dayOf).join(",") : dayOf(value)),
  },
});

/** `HH:MM` (24-hour); `HH:MM:SS` is cut to minutes. */
const time = (value: unknown): string | undefined =>
  typeof value === "string" && /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/.test(value) ? value.slice(0, 5) : undefined;
export const timeInputWidget = defineWidget<CommonProps & { step: number }, string>()("timeInput", {
  restorable: true,
  value: { parse: time, coerce: time, toWire: same, fromQuery: time, toQuery: same },
});

/** `#rrggbb`, lowercased; the URL may leave out the `#`. */
const color = (value: unknown): string | undefined => (typeof value === "string" && /^#[0-9a-fA-F]{6}$/.test(value) ? value.toLowerCase() : undefined);
export const colorPickerWidget = defineWidget<CommonProps, string>()("colorPicker", {
  restorable: true,
  value: { parse: color, coerce: color, toWire: same, fromQuery: (text) => color(text.startsWith("#") ? text : `#${text}`), toQuery: same },
});

/**
 * Uploaded files (or `null` before one is chosen, `[]` with `multiple`). They arrive as uploads,
 * not as values: the browser may only clear them (`null`); only their names and sizes travel back.
 */
type Files = UploadedFile | UploadedFile[] | null;
const files = (value: Files): UploadedFile[] => (value === null ? [] : Array.isArray(value) ? value : [value]);
export const fileUploaderWidget = defineWidget<CommonProps & { accept?: string; multiple: boolean; maxBytes: number }, { name: string; size: number }[]>()(
  "fileUploader",
  {
    restorable: true,
    value: {
      parse: (wire, { multiple }: { multiple: boolean }): Files | undefined => (wire === null ? (multiple ? [] : null) : undefined),
      coerce: (value, { multiple }) => {
        if (value === null) return multiple ? [] : null;
        if (!multiple) {
          const raw = rawFile(value);
          return raw ? new Upload(raw) : undefined;
        }
        const raws = Array.isArray(value) ? value.map(rawFile) : [];
        return Array.isArray(value) && raws.every(Boolean) ? raws.map((raw) => new Upload(raw!)) : undefined;
      },
      toWire: (value) => files(value).map((file) => ({ name: file.name, size: file.size })),
    },
  },
);

export type TableProps = {
  height: number;
  sortable: boolean;
  rows?: number;
  data?: Json;
  head?: Json;
  order?: Json;
  columns?: Json;
  serverSort?: boolean;
  error?: string;
  /** Drawn from a failing source's last good data (see `live.ts` `staleProp`). */
  $dataStale?: Json;
};
/** A table's value is the sort the viewer chose: one of its columns, or none. */
export type TableSort = { column: string; desc: boolean } | null;
const sortOf = (wire: unknown, { names }: { names: Set<string> }): TableSort | undefined => {
  if (wire === null) return null;
  if (!wire || typeof wire !== "object" || Array.isArray(wire)) return undefined;
  const { column, desc } = wire as { column?: unknown; desc?: unknown };
  if (typeof column !== "string" || !names.has(column) || typeof desc !== "boolean") return undefined;
  return { column, desc };
};
export const tableWidget = defineWidget<TableProps, TableSort>()("table", { restorable: true, value: { parse: sortOf, coerce: sortOf, toWire: same } });

export type ChartProps = {
  chart: "line" | "area" | "bar" | "scatter";
  height: number;
  title?: string;
  spec?: Json;
  note?: string;
  columns?: number;
  error?: string;
};
/** A chart's value is the width the browser reported drawing it at, in pixels (0 before it has). */
export const chartWidget = defineWidget<ChartProps, number>()("chart", {
  restorable: true,
  value: {
    parse: (wire) => (isNumber(wire) && wire >= 0 && wire <= 20_000 ? Math.round(wire) : undefined),
    coerce: (value) => (typeof value === "number" ? value : undefined),
    toWire: same,
  },
});

/** Every declared widget, by kind. */
export const widgets = {
  button: buttonWidget,
  downloadButton: downloadButtonWidget,
  checkbox: checkboxWidget,
  toggle: toggleWidget,
  radio: radioWidget,
  select: selectWidget,
  multiselect: multiselectWidget,
  slider: sliderWidget,
  selectSlider: selectSliderWidget,
  numberInput: numberInputWidget,
  textInput: textInputWidget,
  textArea: textAreaWidget,
  dateInput: dateInputWidget,
  timeInput: timeInputWidget,
  colorPicker: colorPickerWidget,
  fileUploader: fileUploaderWidget,
  table: tableWidget,
  chart: chartWidget,
} as const;

export type WidgetKind = keyof typeof widgets;
