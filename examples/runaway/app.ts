// A script that can get stuck: the button starts a synchronous infinite loop. dash runs scripts
// in worker threads with a watchdog, so other viewers keep working and this viewer is told the
// script was stopped. Try it with a short limit:
//   npx dash run examples/runaway/app.ts --script-timeout 2
import * as dash from "dash";

dash.title("Runaway script");
dash.markdown("Pressing the button runs `while (true) {}`. After `--script-timeout` seconds dash stops it and shows why; other sessions never notice.");
if (dash.button("Start an infinite loop", { type: "primary" })) {
  while (true) {
    /* spin */
  }
}
const name = dash.textInput("Your name", { value: "world" });
dash.text(`Hello, ${name}!`);
dash.fragment(
  () => {
    dash.state.heartbeat = ((dash.state.heartbeat as number | undefined) ?? 0) + 1;
    dash.text(`Heartbeat ${dash.state.heartbeat}`);
  },
  { every: "500ms" },
);
