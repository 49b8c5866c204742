/**
 * A full disk, without Redis: what dash writes at run time is the compiled script (on each save
 * in `dash run`; sessions, uploads and caches live in memory). Here every file it would write is
 * a link to /dev/full, so the write fails with ENOSPC as on a full disk. The viewer is told, the
 * page keeps running the last good version with what was entered, and the next save after space
 * is freed goes through.
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { chromiumAndApps, fixture, open, see, snapshotDist } from "./harness.ts";

const e2e = chromiumAndApps();
const folder = mkdtempSync(path.join(tmpdir(), "dash-full-disk-"));
const links: string[] = [];
afterAll(() => {
  for (const link of links) rmSync(link, { force: true });
  rmSync(folder, { recursive: true, force: true });
});

const typeName = async (page: import("playwright-core").Page, text: string): Promise<void> => {
  await page.getByLabel("Name").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type(text);
  await page.keyboard.press("Enter");
};

describe("a full disk", () => {
  test("a save that cannot be written (ENOSPC): the viewer is told, the page keeps working with its values, the next save recovers", async () => {
    const script = path.join(folder, "app.ts");
    cpSync(fixture("faults.ts"), script);
    const app = await e2e.start({ entry: script, watch: false });
    const page = await open(e2e.browser, app.url);
    await typeName(page, "before");
    await page.getByRole("button", { name: "Add" }).click();
    await see(page, "Hello before, N=0, added=1");

    // The disk is full: every file name the next builds would write leads to /dev/full.
    const outDir = path.join(tmpdir(), `dash-build-${process.pid}`);
    mkdirSync(outDir, { recursive: true });
    for (let n = 1; n <= 500; n++) {
      const file = path.join(outDir, `app_ts-${n}.mjs`);
      if (existsSync(file)) continue;
      symlinkSync("/dev/full", file);
      links.push(file);
    }
    writeFileSync(script, readFileSync(script, "utf8").replace(`dash.title("Faults")`, `dash.title("Faults, saved")`));
    const error = await app.reload();
    expect(error?.message).toMatch(/disk is full/);
    await page.getByRole("alert").filter({ hasText: "disk is full" }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: fixture("../out/full-disk.png") });
    // The last good version keeps running, with what was entered.
    await typeName(page, "during");
    await see(page, "Hello during, N=0, added=1");
    expect(await page.getByRole("heading", { name: "Faults", exact: true }).count()).toBe(1);

    // Space is back: the next save goes through and keeps the values.
    for (const link of links.splice(0)) rmSync(link, { force: true });
    expect(await app.reload()).toBeNull();
    await page.getByRole("heading", { name: "Faults, saved" }).waitFor({ timeout: 10_000 });
    await see(page, "Hello during, N=0, added=1");
    expect(await page.getByRole("alert").filter({ hasText: "disk is full" }).count()).toBe(0);
  }, 90_000);

  test("`dash serve app.ts` starting on a full disk: it stops with a message that says so, not a stack", async () => {
    // A real full file system: a 256 KB tmpfs, filled, in a mount namespace of the server's own
    // (unshare), as its TMPDIR, where the first build writes the compiled script.
    const full = mkdtempSync(path.join(tmpdir(), "dash-full-tmp-"));
    const bin = path.join(await snapshotDist(), "bin.js");
    const command = `mount -t tmpfs -o size=256k tmpfs ${full} && (dd if=/dev/zero of=${full}/fill bs=4k 2>/dev/null; true) && exec env TMPDIR=${full} "${process.execPath}" "${bin}" serve "${fixture("faults.ts")}" --port 0`;
    const child = spawn("unshare", ["-rm", "sh", "-c", command], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += String(chunk)));
    child.stderr.on("data", (chunk) => (output += String(chunk)));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    rmSync(full, { recursive: true, force: true });
    expect(code).toBe(1);
    expect(output).toContain(`dash: The script failed to load: The disk is full: the compiled script could not be written to ${full}`);
    expect(output).toContain("Free some space, or set TMPDIR to a folder on a disk with room, and start again.");
    expect(output).not.toMatch(/\n\s+at /); // no stack trace
    expect(output).not.toContain("keeps running its last version"); // there is none yet
  });
});
