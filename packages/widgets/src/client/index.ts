/** The browser renderer of every element type, by the type name the server sends. */
import type { Renderer } from "@dash/runtime/client/app.tsx";
import type { WidgetKind } from "../widget.ts";
import { Alert } from "./alert.tsx";
import { Button } from "./button.tsx";
import { Chart, PlotView } from "./chart.tsx";
import { Checkbox } from "./checkbox.tsx";
import { Code } from "./code.tsx";
import { ColorPicker } from "./colorPicker.tsx";
import { DateInput } from "./dateInput.tsx";
import { Divider } from "./divider.tsx";
import { DownloadButton } from "./downloadButton.tsx";
import { Exception } from "./exception.tsx";
import { FileUploader } from "./fileUploader.tsx";
import { Header, Subheader, Title } from "./headings.tsx";
import { Image } from "./image.tsx";
import { JsonView } from "./json.tsx";
import { Column, Columns, Container, Expander, Form, Group, Tab, Tabs } from "./layout.tsx";
import { Caption, Markdown } from "./markdown.tsx";
import { Metric } from "./metric.tsx";
import { Multiselect } from "./multiselect.tsx";
import { NumberInput } from "./numberInput.tsx";
import { Progress, Spinner } from "./progress.tsx";
import { Radio } from "./radio.tsx";
import { Select } from "./select.tsx";
import { SelectSlider } from "./selectSlider.tsx";
import { Slider } from "./slider.tsx";
import { SourceStatus } from "./sourceStatus.tsx";
import { DataTable } from "./table.tsx";
import { Text } from "./text.tsx";
import { TextArea } from "./textArea.tsx";
import { TextInput } from "./textInput.tsx";
import { TimeInput } from "./timeInput.tsx";
import { Toggle } from "./toggle.tsx";

export { loadMarkdown } from "./markdown.tsx";

/** The renderer of each declared widget (`../widget.ts`): a kind without one does not compile. */
const widgetRenderers: Record<WidgetKind, Renderer> = {
  button: Button,
  checkbox: Checkbox,
  toggle: Toggle,
  radio: Radio,
  select: Select,
  multiselect: Multiselect,
  slider: Slider,
  selectSlider: SelectSlider,
  numberInput: NumberInput,
  textInput: TextInput,
  textArea: TextArea,
  dateInput: DateInput,
  timeInput: TimeInput,
  colorPicker: ColorPicker,
  fileUploader: FileUploader,
  downloadButton: DownloadButton,
  table: DataTable,
  chart: Chart,
};

export const renderers: Record<string, Renderer> = {
  ...widgetRenderers,
  page: Group,
  sidebar: Group,
  main: Group,
  fragment: Group,
  empty: Group,
  container: Container,
  columns: Columns,
  column: Column,
  tabs: Tabs,
  tab: Tab,
  expander: Expander,
  form: Form,
  title: Title,
  header: Header,
  subheader: Subheader,
  markdown: Markdown,
  caption: Caption,
  text: Text,
  code: Code,
  json: JsonView,
  divider: Divider,
  metric: Metric,
  plot: PlotView,
  alert: Alert,
  exception: Exception,
  sourceStatus: SourceStatus,
  image: Image,
  progress: Progress,
  spinner: Spinner,
};
