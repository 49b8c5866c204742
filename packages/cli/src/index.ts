/**
 * dash: write a script, get a live dashboard.
 *
 * ```ts
 * import * as dash from "dash";
 * const n = dash.slider("Count", { min: 1, max: 10, value: 3 });
 * dash.text(`n is ${n}`);
 * ```
 * Run it with `npx dash run app.ts`. Every function here appends to the page in call order,
 * inside the current container; widget functions return their current value.
 */
import { bigquery, cache, elements, file, gcs, page, Plot, poll, query, rerun, sidebar, state, stop, type User } from "@dash/widgets";

export const {
  button,
  checkbox,
  toggle,
  radio,
  select,
  multiselect,
  slider,
  selectSlider,
  numberInput,
  textInput,
  textArea,
  dateInput,
  timeInput,
  colorPicker,
  fileUploader,
  downloadButton,
  title,
  header,
  subheader,
  markdown,
  text,
  caption,
  code,
  json,
  divider,
  metric,
  table,
  lineChart,
  areaChart,
  barChart,
  scatterChart,
  plot,
  info,
  success,
  warning,
  error,
  exception,
  image,
  progress,
  spinner,
  toast,
  empty,
  columns,
  tabs,
  expander,
  container,
  form,
  fragment,
} = elements;

export { page, query, rerun, sidebar, state, stop, gcs, bigquery, file, poll, cache, Plot };

/** Who is viewing (`{ email, name, sub, groups, claims }`), or `null` without sign-in (`--auth`). Inside a script it is per viewer. */
export const user: User | null = null;

export type { Container, User } from "@dash/widgets";
export type { UploadedFile } from "@dash/widgets/fileUploader.ts";
export type { Slot } from "@dash/widgets/empty.ts";
export type { Form } from "@dash/widgets/form.ts";
export type { Progress } from "@dash/widgets/progress.ts";
export type { GcsOptions, BigQueryOptions, FileOptions, Staleness } from "@dash/widgets/live.ts";
export type { TableOptions, TableColumnOptions } from "@dash/widgets/table.ts";
export type { ChartOptions, AreaChartOptions, BarChartOptions, ScatterChartOptions } from "@dash/widgets/charts.ts";
export type { PlotMark, PlotOptions, PlotSpec } from "@dash/widgets/plot.ts";
export type { DataInput } from "@dash/widgets/data.ts";
