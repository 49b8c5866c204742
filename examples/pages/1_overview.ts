// A multi-page app: every script in this folder is a page. Run it with:
//   npx dash run examples/pages/
// Pages are ordered by file name; a leading "1_" sets the order and is not part of the name.
import * as dash from "dash";
import { cities } from "./lib/cities.ts";

dash.page({ title: "Overview · Cities", icon: "🏙️" });
dash.title("Overview");
dash.markdown("Three pages share one session: the **sidebar** lists them, each draws its own widgets, and `dash.state` is shared by all of them.");
const [a, b, c] = dash.columns(3);
a.metric("Cities", cities.length);
b.metric("Largest", cities[0]!.name);
c.metric(
  "Total population",
  cities.reduce((sum, city) => sum + city.population, 0),
  { format: { notation: "compact" } },
);
dash.state.visits = ((dash.state.visits as number | undefined) ?? 0) + 1;
dash.caption(`Runs of this session so far: ${dash.state.visits}`);
