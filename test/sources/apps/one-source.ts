// One GCS source, read every LIVE_EVERY (default 200 ms).
import * as dash from "dash";

dash.title("Live");
const data = await dash.gcs("gs://live/windows/", { latest: true, every: process.env.LIVE_EVERY ?? "200ms", format: "json" });
dash.markdown(`rows ${JSON.stringify(data.toArray().map((row) => row.toJSON()))}`);
dash.caption("end");
