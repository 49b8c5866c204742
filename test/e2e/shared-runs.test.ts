/**
 * Shared runs (issue 13): when a source changes, viewers whose inputs are equal share one run of
 * the script; a viewer who moved a widget runs alone. Chromium on a real dash server (one script
 * worker, where sessions share), counting the script's runs from the lines it writes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import { chromiumAndApps, fixture, open, see } from "./harness.ts";

const e2e = chromiumAndApps();
const dir = mkdtempSync(path.join(tmpdir(), "dash-shared-runs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const runs = (data: string): string[] =>
  readFileSync(path.join(dir, "runs.log"), "utf8")
    .split("\n")
    .filter((line) => line.endsWith(` ${data}`));

test("two viewers with the same inputs get one run per change; a viewer who moved the slider runs alone", async () => {
  writeFileSync(path.join(dir, "data.txt"), "A");
  writeFileSync(path.join(dir, "runs.log"), "");
  process.env.DASH_TEST_SHARED_DIR = dir;
  const app = await e2e.start({ entry: fixture("shared-runs.ts"), workers: 1 });
  const [one, two] = await Promise.all([e2e.browser.newContext(), e2e.browser.newContext()]);
  const first = await open(one, app.url);
  const second = await open(two, app.url);
  await see(first, "data=A level=2");
  await see(second, "data=A level=2");

  writeFileSync(path.join(dir, "data.txt"), "B");
  await see(first, "data=B level=2");
  await see(second, "data=B level=2");
  expect(runs("B")).toEqual(["2 B"]); // one run for both viewers

  const slider = second.getByRole("slider", { name: "Level" });
  await slider.focus();
  await slider.press("ArrowRight");
  await see(second, "data=B level=3");
  writeFileSync(path.join(dir, "data.txt"), "C");
  await see(first, "data=C level=2");
  await see(second, "data=C level=3");
  expect(runs("C").sort()).toEqual(["2 C", "3 C"]); // different inputs: a run each

  // Back to the same value: the two share again.
  await slider.press("ArrowLeft");
  await see(second, "data=C level=2");
  writeFileSync(path.join(dir, "data.txt"), "D");
  await see(first, "data=D level=2");
  await see(second, "data=D level=2");
  expect(runs("D")).toEqual(["2 D"]);
  await second.screenshot({ path: "/tmp/s13-shared-runs.png" });
  await Promise.all([one.close(), two.close()]);
});
