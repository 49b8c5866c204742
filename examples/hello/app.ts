// The hello example: widgets, layout and state. Run it with: npx dash run examples/hello/app.ts
import * as dash from "dash";
import { greeting } from "./greeting.ts";

dash.page({ title: "Hello, dash", icon: "👋" });
dash.title("Hello, dash");
dash.caption("Edit this file and save: the page updates in place and keeps your inputs.");

const name = dash.sidebar.textInput("Your name", { value: "world", key: "name" });
const count = dash.slider("Count", { min: 1, max: 10, value: 3 });
dash.markdown(Array.from({ length: count }, () => greeting(name)).join("  \n"));

dash.state.clicks ??= 0;
if (dash.button("Click me", { type: "primary" })) dash.state.clicks++;
dash.text(`Clicked ${dash.state.clicks} times`);

const [left, right] = dash.columns(2);
left.metric("Count", count, { delta: count - 3 });
right.metric("Clicks", dash.state.clicks as number);

const [chart, about] = dash.tabs(["Numbers", "About"]);
chart.json({ squares: Array.from({ length: count }, (_, i) => (i + 1) ** 2) });
about.info("dash reruns this script on every input and sends only what changed.");
