/**
 * Everything an author calls, gathered in one object. `dash.*` and every container handle
 * (`left.metric`, `dash.sidebar.slider`) share these same functions.
 */
import { currentRun } from "@dash/runtime/scope.ts";
import { error, info, success, warning } from "./alerts.ts";
import { button } from "./button.ts";
import { checkbox } from "./checkbox.ts";
import { code } from "./code.ts";
import { colorPicker } from "./colorPicker.ts";
import { columns } from "./columns.ts";
import { container } from "./container.ts";
import { currentUser, fragment, query, rerun, state, stop } from "./control.ts";
import { dateInput } from "./dateInput.ts";
import { divider } from "./divider.ts";
import { downloadButton } from "./downloadButton.ts";
import { empty } from "./empty.ts";
import { exception } from "./exception.ts";
import { expander } from "./expander.ts";
import { fileUploader } from "./fileUploader.ts";
import { form } from "./form.ts";
import { handle, setHandleFunctions } from "./handle.ts";
import { header, subheader, title } from "./headings.ts";
import { image } from "./image.ts";
import { json } from "./json.ts";
import { markdown } from "./markdown.ts";
import { metric } from "./metric.ts";
import { multiselect } from "./multiselect.ts";
import { numberInput } from "./numberInput.ts";
import { page } from "./page.ts";
import { progress } from "./progress.ts";
import { radio } from "./radio.ts";
import { select } from "./select.ts";
import { selectSlider } from "./selectSlider.ts";
import { slider } from "./slider.ts";
import { tabs } from "./tabs.ts";
import { bigquery, cache, file, gcs, poll } from "./live.ts";
import { spinner } from "./spinner.ts";
import { caption, text } from "./text.ts";
import { textArea } from "./textArea.ts";
import { textInput } from "./textInput.ts";
import { timeInput } from "./timeInput.ts";
import { toast } from "./toast.ts";
import { toggle } from "./toggle.ts";
import { areaChart, barChart, lineChart, scatterChart } from "./charts.ts";
import { Plot, plot } from "./plot.ts";
import { table } from "./table.ts";

/** The functions every container has. */
export const elements = {
  // widgets
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
  // display
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
  // data
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
  // layout
  columns,
  tabs,
  expander,
  container,
  form,
  fragment,
};

/** A container handle: every element, widget and layout function, writing into it. */
export type Container = typeof elements;

setHandleFunctions(elements);

/** The sidebar: a container on the left of the page. */
export const sidebar: Container = handle(() => currentRun().sidebar);

export { page, state, query, rerun, stop, currentUser, gcs, bigquery, file, poll, cache, Plot };
export type { User } from "./control.ts";

/**
 * The API object scripts see as `import * as dash from "dash"` (getters make `dash.user`
 * per-session).
 */
export function scriptApi(extra: object = {}): object {
  const api = { ...elements, sidebar, page, state, query, rerun, stop, gcs, bigquery, file, poll, cache, Plot, ...extra };
  Object.defineProperty(api, "user", { get: currentUser, enumerable: true });
  return api;
}
