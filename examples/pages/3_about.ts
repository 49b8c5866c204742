import * as dash from "dash";

dash.title("About");
dash.info(
  "Pages are plain scripts in one folder. Navigation keeps the session: dash.state is shared by every page, and the explore page's slider, bound to the URL (?min=), keeps its value when you come back.",
);
dash.text(`Visits counted on the overview page: ${(dash.state.visits as number | undefined) ?? 0}`);
