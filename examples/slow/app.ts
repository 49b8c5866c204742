// Output appears while the script awaits, and what the previous run showed but this run has not
// reached yet is greyed out (stale) until the run gets there. Run it with:
//   npx dash run examples/slow/app.ts
import * as dash from "dash";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

dash.title("A slow script");
const delay = dash.slider("Delay per step (ms)", { min: 0, max: 2000, step: 100, value: 600 });
const city = dash.select("City", ["Paris", "Oslo", "Lima"], { value: "Paris" });
dash.caption("Change the city: the steps below stay visible, greyed, until this run redraws them.");

const bar = dash.progress(0, { text: "Fetching" });
const steps = ["Connecting", "Querying", "Aggregating"];
for (const [index, step] of steps.entries()) {
  await dash.spinner(`${step}…`, sleep(delay));
  bar.update((index + 1) / steps.length, `${step} done`);
  dash.text(`${city} · step ${index + 1}: ${step}`);
}
dash.success(`Finished ${city}`);
