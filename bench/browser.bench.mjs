/**
 * In Chromium (Debian's, through playwright-core), against the built CLI:
 * (c) a key press on a slider → the dependent text changed in the DOM (keydown → MutationObserver);
 * (d) hot reload: file saved → open page updated;
 * (e) `dash run` (a spawned `node packages/cli/bin/dash.js run …`) → first paint.
 */
import { spawn } from "node:child_process";
import { launchChromium } from "./lib/chromium.mjs";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { report, root } from "./lib/stats.mjs";

const { startApp } = await import(path.join(root, "packages/cli/dist/app-entry.js"));
const browser = await launchChromium();

async function ready(page) {
  await page.waitForFunction(
    () => window.__dash?.ui().connection === "connected" && !window.__dash.ui().running && document.querySelector(".dash-main .dash-el"),
  );
}

// ---- (c) key press → DOM -------------------------------------------------------------------
{
  const app = await startApp({ entry: path.join(root, "bench/fixtures/page200.ts"), port: 0, log: () => {} });
  const page = await browser.newPage();
  await page.goto(app.url);
  await ready(page);
  const slider = page.getByRole("slider", { name: "N" });
  await slider.focus();
  const samples = [];
  for (let i = 0; i < 230; i++) {
    const key = i % 2 === 0 ? "ArrowRight" : "ArrowLeft";
    // Arm the observer, then press: the page records keydown → mutation of the dependent text.
    const done = page.evaluate(
      () =>
        new Promise((resolve) => {
          const target = [...document.querySelectorAll(".dash-text")].find((el) => el.textContent.startsWith("N is "));
          const before = target.textContent;
          let down = 0;
          const onKey = () => (down = performance.now());
          window.addEventListener("keydown", onKey, { capture: true, once: true });
          const observer = new MutationObserver(() => {
            if (target.textContent !== before) {
              observer.disconnect();
              resolve(performance.now() - down);
            }
          });
          observer.observe(target, { characterData: true, childList: true, subtree: true });
        }),
    );
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
    await page.keyboard.press(key);
    const ms = await done;
    if (i >= 30) samples.push(ms); // the first presses warm up the JIT on both sides
  }
  report("(c) key press on a slider → dependent text in the DOM (200-element page)", samples, "ms", (s) => s.p50 <= 10 && s.p90 <= 20);
  await page.close();
  await app.close();
}

// ---- (d) hot reload: save → page updated ------------------------------------------------------
{
  const dir = await mkdtemp(path.join(tmpdir(), "dash-bench-"));
  await cp(path.join(root, "bench/fixtures"), dir, { recursive: true });
  const entry = path.join(dir, "page200.ts");
  const source = await readFile(entry, "utf8");
  const app = await startApp({ entry, port: 0, watch: true, log: () => {} });
  await app.ready;
  const page = await browser.newPage();
  await page.goto(app.url);
  await ready(page);
  const samples = [];
  for (let i = 1; i <= 25; i++) {
    const title = `Benchmark page ${i}`;
    const seen = page.evaluate(
      (expected) =>
        new Promise((resolve) => {
          const check = () => document.querySelector("h1")?.textContent === expected;
          const observer = new MutationObserver(() => {
            if (check()) {
              observer.disconnect();
              resolve(performance.timeOrigin + performance.now());
            }
          });
          observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        }),
      title,
    );
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
    const saved = performance.timeOrigin + performance.now();
    await writeFile(entry, source.replace('dash.title("Benchmark page")', `dash.title(${JSON.stringify(title)})`));
    const at = await seen;
    if (i > 3) samples.push(at - saved);
    await ready(page);
    await new Promise((r) => setTimeout(r, 150)); // let the watcher settle between saves
  }
  report("(d) hot reload: file saved → open page updated (200-element page)", samples, "ms", (s) => s.p50 <= 50, 1);
  await page.close();
  await app.close();
  await rm(dir, { recursive: true, force: true });
}

// ---- (e) dash run → first paint ---------------------------------------------------------------
{
  const freePort = () =>
    new Promise((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address();
        server.close(() => resolve(port));
      });
    });
  const samples = [];
  const serverReady = [];
  for (let i = 0; i < 6; i++) {
    const port = await freePort();
    const page = await browser.newPage();
    const started = performance.now();
    const child = spawn(process.execPath, [path.join(root, "packages/cli/bin/dash.js"), "run", "examples/hello/app.ts", "--port", String(port), "--no-open"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    await new Promise((resolve, reject) => {
      child.stdout.on("data", (chunk) => String(chunk).includes("http://") && resolve(null));
      child.once("exit", (code) => reject(new Error(`dash run exited with ${code}`)));
    });
    const listening = performance.now() - started;
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => document.querySelector("h1")?.textContent === "Hello, dash", null, { polling: "raf" });
    const painted = performance.now() - started;
    if (i > 0) {
      samples.push(painted);
      serverReady.push(listening);
    }
    await page.close();
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  }
  report("    dash run → server listening", serverReady, "ms", undefined, 0);
  report("(e) dash run → first paint of the title in Chromium (browser already open)", samples, "ms", (s) => s.p50 <= 1000, 0);
}

await browser.close();
