// Issue 15.2: data a script changes in place (Streamlit's `state.rows.append` pattern) is drawn as
// it is at the call, in a table and in a chart; unchanged data still sends nothing on rerun.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { tableFromIPC } from "apache-arrow";
import { expect, test } from "vitest";
import { testApp, type TestApp } from "../../packages/cli/src/testing.ts";

const dir = mkdtempSync(path.join(tmpdir(), "dash-in-place-"));
const file = path.join(dir, "app.ts");
writeFileSync(
  file,
  `import * as dash from "dash";
dash.state.rows ??= [];
const rows = dash.state.rows as { n: number }[];
if (dash.button("Add")) rows.push({ n: rows.length + 1 });
dash.text(\`\${rows.length} rows\`);
dash.table(rows);
if (rows.length) dash.barChart(rows, { x: "n", y: "n" });
`,
);

const rowsShown = (app: TestApp, type: string): number => {
  const element = app.get(type);
  expect(element.props.error).toBeUndefined();
  const ref = element.props.data as { $data: string } | undefined;
  const spec = element.props.spec as { marks?: { data?: { $data: string } }[] } | undefined;
  const hash = ref?.$data ?? spec?.marks?.find((mark) => mark.data)?.data?.$data;
  return tableFromIPC(app.data.get(hash!)!).numRows;
};

test("rows pushed into state show in the table and the bar chart", async () => {
  const app = await testApp(file, { timeout: 60 });
  for (let i = 1; i <= 3; i++) {
    app.button("Add").click();
    await app.run();
    expect(app.get("text").value).toBe(`${i} rows`);
    expect(rowsShown(app, "table")).toBe(i);
    expect(rowsShown(app, "chart")).toBe(i);
  }
  // A rerun with nothing changed sends no data.
  const frames = app.framesSent;
  await app.run();
  expect(app.framesSent).toBe(frames);
  app.close();
});
