import * as dash from "dash";

dash.title("About");
dash.info("Pages are plain scripts in one folder. Navigation keeps the session: the explore page's slider and dash.state survive a visit here.");
dash.text(`Visits counted on the overview page: ${(dash.state.visits as number | undefined) ?? 0}`);
