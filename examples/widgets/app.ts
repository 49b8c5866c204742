// A tour of every widget, display element and layout of dash. Run it with:
//   npx dash run examples/widgets/app.ts
// The end-to-end tests drive this page in Chromium, so each widget's value is echoed as text.
import * as dash from "dash";
import { gradientPng } from "./swatch.ts";

dash.page({ title: "Widget tour", icon: "🎛️", layout: "wide" });
dash.title("Widget tour");
dash.caption("Every widget and element of dash on one page. Change anything: the script reruns and only the difference travels.");

// ---- sidebar ------------------------------------------------------------------------------
dash.sidebar.header("Filters");
const region = dash.sidebar.select("Region", ["North", "South", "East", "West"], { value: "East", query: "region", help: "Bound to ?region= in the URL" });
const shown = dash.sidebar.toggle("Show details", { value: true });
dash.sidebar.caption(`Region **${region}** · details ${shown ? "on" : "off"}`);

// ---- widgets --------------------------------------------------------------------------------
const [tabWidgets, tabText, tabLayout, tabLive] = dash.tabs(["Widgets", "Text & data", "Layout", "Live"]);

tabWidgets.header("Inputs");
const [c1, c2] = tabWidgets.columns(2);

dash.state.clicks ??= 0;
if (c1.button("Add one", { type: "primary", help: "Counts clicks in dash.state" })) dash.state.clicks++;
c1.text(`Clicks: ${dash.state.clicks}`);

const agree = c1.checkbox("I agree", { value: false });
c1.text(`Checkbox: ${agree}`);
const dark = c1.toggle("Night mode", { value: false });
c1.text(`Toggle: ${dark}`);
const size = c1.radio("Size", ["Small", "Medium", "Large"], { value: "Medium", horizontal: true });
c1.text(`Radio: ${size}`);
const fruit = c1.select("Fruit", ["Apple", "Banana", "Cherry"], { value: "Banana" });
c1.text(`Select: ${fruit}`);
const toppings = c1.multiselect("Toppings", ["Cheese", "Ham", "Olives", "Pineapple"], { value: ["Cheese"] });
c1.text(`Multiselect: ${toppings.join(", ") || "none"}`);
const count = c1.slider("Count", { min: 0, max: 20, step: 1, value: 5, key: "count" });
c1.text(`Slider: ${count}`);
const [low, high] = c1.slider("Price range", { min: 0, max: 100, step: 5, value: [20, 80] });
c1.text(`Range: ${low}–${high}`);

const level = c2.selectSlider("Level", ["Low", "Medium", "High", "Extreme"], { value: "Medium" });
c2.text(`Select slider: ${level}`);
const quantity = c2.numberInput("Quantity", { min: 0, max: 10, step: 1, value: 2 });
c2.text(`Number: ${quantity}`);
const name = c2.textInput("Name", { value: "Ada", placeholder: "Your name" });
c2.text(`Text: ${name}`);
const secret = c2.textInput("Password", { type: "password", placeholder: "Not sent anywhere" });
c2.text(`Password length: ${secret.length}`);
const notes = c2.textArea("Notes", { value: "", placeholder: "Ctrl+Enter to apply" });
c2.text(`Notes: ${notes.length} characters`);
const day = c2.dateInput("Day", { value: new Date("2024-05-17") });
c2.text(`Date: ${day.toISOString().slice(0, 10)}`);
const time = c2.timeInput("Alarm", { value: "07:30" });
c2.text(`Time: ${time}`);
const color = c2.colorPicker("Accent", { value: "#3366ff" });
c2.text(`Color: ${color}`);

tabWidgets.subheader("Files");
const file = tabWidgets.fileUploader("Upload a CSV", { accept: [".csv", ".txt"], maxBytes: 1000 });
tabWidgets.text(file ? `Uploaded: ${file.name} (${file.size} bytes, ${file.text().split("\n").length} lines)` : "Uploaded: nothing");
const csv = `fruit,count\n${fruit},${quantity}\n`;
if (tabWidgets.downloadButton("Download CSV", csv, { fileName: "order.csv", mime: "text/csv" })) dash.toast("Saved order.csv", { icon: "💾" });

tabWidgets.subheader("A form");
const order = tabWidgets.form("order", { submitLabel: "Place order" });
const dish = order.textInput("Dish", { value: "Soup" });
const servings = order.slider("Servings", { min: 1, max: 8, value: 2 });
tabWidgets.text(order.submitted ? `Ordered ${servings} × ${dish}` : `Form: not submitted (${servings} × ${dish})`);

// ---- display elements -------------------------------------------------------------------
tabText.header("Text");
tabText.subheader("Markdown, text, captions");
tabText.markdown(
  "Markdown with **bold**, _italic_, `code`, a [link](https://example.com) and a table:\n\n| city | pm2.5 |\n| --- | ---: |\n| Fresno | 12.1 |\n| Boise | 6.4 |",
);
tabText.text("Plain text keeps   its spacing.");
tabText.caption("A caption: small and muted.");
tabText.code(`const total = rows.reduce((sum, row) => sum + row.count, 0);\nconsole.log(total);`, { language: "ts" });
tabText.json({ region, size, toppings, nested: { ok: true, list: [1, 2, 3] } });
tabText.divider();
const [m1, m2, m3] = tabText.columns(3);
m1.metric("Temperature", 21.4, { delta: 1.2, help: "Since yesterday" });
m2.metric("Humidity", "64%", { delta: -3 });
m3.metric("Wind", 12, { delta: 0 });
tabText.info("Info: the script reruns on every input.");
tabText.success("Success: saved.");
tabText.warning("Warning: the sensor is offline.");
tabText.error("Error: could not reach the API.");
tabText.exception(new RangeError("An example exception"));
tabText.image(gradientPng(240, 60, color, "#ffcc00"), { caption: "A PNG drawn by the script", width: 240 });

// ---- layout ---------------------------------------------------------------------------
tabLayout.header("Layout");
const box = tabLayout.expander("More details", { expanded: false });
box.markdown("Hidden until you open the expander.");
box.text(`Details for ${region}`);
const boxed = tabLayout.container({ border: true });
boxed.text("Inside a bordered container.");
const [wide, narrow] = tabLayout.columns([2, 1]);
wide.markdown("A **2:1** column layout; it stacks on a phone.");
narrow.metric("Ratio", "2:1");
const slot = tabLayout.empty();
slot.text("Placeholder: first");
slot.text(`Placeholder: ${count} items`);
const bar = tabLayout.progress(0, { text: "Progress" });
bar.update(count / 20, `Progress: ${Math.round((count / 20) * 100)}%`);

// ---- fragment -------------------------------------------------------------------------
tabLive.header("A fragment");
dash.state.fullRuns = ((dash.state.fullRuns as number | undefined) ?? 0) + 1;
tabLive.text(`Full runs: ${dash.state.fullRuns}`);
tabLive.fragment(
  () => {
    dash.state.ticks = ((dash.state.ticks as number | undefined) ?? 0) + 1;
    const step = dash.numberInput("Fragment step", { min: 1, max: 5, value: 1 });
    dash.text(`Fragment ticks: ${dash.state.ticks} (step ${step})`);
  },
  { every: "1s" },
);

if (shown) dash.sidebar.info(`Count is ${count}, fruit is ${fruit}.`);
