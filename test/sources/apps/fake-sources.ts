// Reads all three connectors; the wiring tests answer them with fakes.
import * as dash from "dash";

const state = dash.select("State", ["CA", "TX"]);
const windows = await dash.gcs("gs://tags/windows/", { latest: true, format: "json" });
dash.markdown(`gcs ${windows.numRows} ${JSON.stringify(windows.get(0)?.toJSON())}`);
const counts = await dash.bigquery("SELECT state, n FROM `p.d.t` WHERE state = @state", { params: { state } });
dash.markdown(`bigquery ${JSON.stringify(counts.toArray().map((row) => row.toJSON()))}`);
const sales = await dash.file("data/sales.csv");
dash.markdown(`file ${sales.numRows} ${sales.schema.fields.map((f) => f.name).join(",")}`);
