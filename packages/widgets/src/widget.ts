/**
 * Every widget, declared once: its kind (the element type the server sends and the browser looks
 * its renderer up by), the props both halves share (the server builds them, the renderer reads
 * them typed), its value as it travels, and whether the value is kept between runs (`restorable`;
 * a button's is not: it is `true` only on the run its click caused).
 *
 * Imports nothing at run time, so the browser bundle takes the declarations as they are. The
 * server half (`slider.ts`) renders through `declared.render(scope, spec)`; the browser half
 * (`client/slider.tsx`) reads `declared.propsOf(node)`; `client/index.ts` maps each kind to its
 * renderer, and `test/core/widget-lists.test.ts` fails when a kind, a renderer or an export is missing.
 */
import type { Json, Props } from "@dash/runtime/protocol.ts";
import type { Scope, WidgetSpec } from "@dash/runtime/scope.ts";

/** Props every widget has: from its options (`commonProps`) and from the runtime. */
export type CommonProps = {
  help?: string;
  disabled?: boolean;
  labelVisibility?: "hidden" | "collapsed";
};

/** What the runtime adds to every widget's props (see `Session.renderWidget`). */
export type RuntimeProps<V> = {
  id: string;
  kind: string;
  label: string;
  value: V;
  /** The form the widget belongs to, if any. */
  form?: string;
};

/** A widget's spec (see `WidgetSpec`) with its props and wire value typed by its declaration. */
export type DeclaredSpec<T, P, V> = Omit<WidgetSpec<T>, "kind" | "props" | "trigger" | "toWire"> & { props: P; toWire(value: T): V };

export interface WidgetDeclaration<K extends string, P, V extends Json> {
  readonly kind: K;
  readonly restorable: boolean;
  /** Render the widget in `scope` (the server half): kind and trigger come from the declaration. */
  render<T>(scope: Scope, spec: DeclaredSpec<T, P, V>): T;
  /** The widget's props as its renderer reads them (the browser half). */
  propsOf(node: { props: Props }): P & RuntimeProps<V>;
}

/** Declare a widget: `P` its props, `V` its value on the wire. */
export function defineWidget<P, V extends Json>() {
  return <K extends string>(kind: K, options: { restorable: boolean }): WidgetDeclaration<K, P, V> => ({
    kind,
    restorable: options.restorable,
    render: (scope, spec) => scope.widget({ ...spec, kind, props: spec.props as Props, ...(options.restorable ? {} : { trigger: true }) }),
    propsOf: (node) => node.props as unknown as P & RuntimeProps<V>,
  });
}

export type ButtonVariant = "primary" | "secondary" | "tertiary";
type Placeholder = { placeholder?: string };
export type OptionProps = CommonProps & Placeholder & { options: string[] };

export const buttonWidget = defineWidget<CommonProps & { variant: ButtonVariant }, boolean>()("button", { restorable: false });
export const downloadButtonWidget = defineWidget<CommonProps & { data: Json; fileName: string; mime: string; size: number }, boolean>()("downloadButton", {
  restorable: false,
});
export const checkboxWidget = defineWidget<CommonProps, boolean>()("checkbox", { restorable: true });
export const toggleWidget = defineWidget<CommonProps, boolean>()("toggle", { restorable: true });
export const radioWidget = defineWidget<OptionProps & { horizontal?: boolean }, number>()("radio", { restorable: true });
export const selectWidget = defineWidget<OptionProps, number>()("select", { restorable: true });
export const multiselectWidget = defineWidget<OptionProps & { maxSelections?: number }, number[]>()("multiselect", {
  restorable: true,
});
export const sliderWidget = defineWidget<CommonProps & { min: number; max: number; step: number; minLabel?: string; maxLabel?: string }, number | number[]>()(
  "slider",
  { restorable: true },
);
export const selectSliderWidget = defineWidget<CommonProps & { options: string[]; range: boolean }, number | number[]>()("selectSlider", { restorable: true });
export const numberInputWidget = defineWidget<CommonProps & Placeholder & { step: number; min?: number; max?: number }, number>()("numberInput", {
  restorable: true,
});
export type TextProps = CommonProps & Placeholder & { maxChars: number; password?: boolean; height?: number };
export const textInputWidget = defineWidget<TextProps, string>()("textInput", { restorable: true });
export const textAreaWidget = defineWidget<TextProps, string>()("textArea", { restorable: true });
export const dateInputWidget = defineWidget<CommonProps & { range: boolean; min?: string; max?: string }, string | string[]>()("dateInput", {
  restorable: true,
});
export const timeInputWidget = defineWidget<CommonProps & { step: number }, string>()("timeInput", { restorable: true });
export const colorPickerWidget = defineWidget<CommonProps, string>()("colorPicker", { restorable: true });
export const fileUploaderWidget = defineWidget<CommonProps & { accept?: string; multiple: boolean; maxBytes: number }, { name: string; size: number }[]>()(
  "fileUploader",
  {
    restorable: true,
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
export type TableSort = { column: string; desc: boolean } | null;
export const tableWidget = defineWidget<TableProps, TableSort>()("table", { restorable: true });
export type ChartProps = {
  chart: "line" | "area" | "bar" | "scatter";
  height: number;
  title?: string;
  spec?: Json;
  note?: string;
  columns?: number;
  error?: string;
};
export const chartWidget = defineWidget<ChartProps, number>()("chart", { restorable: true });

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
