/**
 * `npx dash build`: the output runs with no compiler. The test builds a page that imports a
 * local module, an npm package and Arrow, copies `dist/` to a folder where no node_modules can
 * be found, and starts `node dist/server/main.js` with a module hook that refuses esbuild and
 * TypeScript (in the server and its script workers). Then Chromium uses the page; the hashed
 * files are checked for their cache headers and their brotli/gzip variants; and
 * `npx dash serve dist/` with `DASH_ASSET_URL` makes the page load them from a second server
 * playing the CDN.
 */
import { execFile, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser } from "playwright-core";
import { fixture, launch, see, snapshotDist, waitIdle } from "./harness.ts";
import { probeTraversal, secrets } from "../support/traversal.ts";

const folder = mkdtempSync(path.join(tmpdir(), "dash-build-"));
const running: { stop(): Promise<void> }[] = [];
let browser: Browser;
let bin: string;
/** The copy of `dist/` that is served (no node_modules above it). */
let dist: string;

beforeAll(async () => {
  bin = path.join(await snapshotDist(), "bin.js");
  browser = await launch();
  const built = path.join(folder, "build");
  await promisify(execFile)(process.execPath, [bin, "build", fixture("build/app.ts"), "--out", built], { timeout: 170_000 });
  dist = path.join(folder, "deploy", "dist");
  cpSync(built, dist, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(running.map((process) => process.stop()));
  rmSync(folder, { recursive: true, force: true });
});

/** Start a server process; resolves with its URL once it printed it. */
async function start(args: string[], env: Record<string, string> = {}): Promise<{ url: string; output(): string }> {
  const child = spawn(process.execPath, args, { cwd: folder, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stderr.on("data", (chunk: Buffer) => (output += String(chunk)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  running.push({
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await exited;
    },
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += String(chunk);
      const found = /➜\s+(http:\/\/\S+)/.exec(output);
      if (found) resolve(found[1]!);
    });
    void exited.then(() => reject(new Error(`the server exited: ${output}`)));
  });
  return { url, output: () => output };
}

describe("dash build", () => {
  test("writes a server and hashed, precompressed static files", () => {
    const manifest = JSON.parse(readFileSync(path.join(dist, "server/manifest.json"), "utf8")) as {
      pages: { name: string; file: string }[];
      entries: Record<string, string>;
    };
    expect(manifest.pages.map((page) => page.name)).toEqual(["app"]);
    expect(existsSync(path.join(dist, "server", manifest.pages[0]!.file))).toBe(true);
    const files = readdirSync(path.join(dist, "static"));
    for (const name of Object.values(manifest.entries)) {
      expect(name).toMatch(/^[a-z]+\.[0-9a-f]{12}\.(js|css)$/);
      expect(files).toEqual(expect.arrayContaining([name, `${name}.br`, `${name}.gz`]));
    }
    // No source map is served or uploaded with static/: the maps are kept beside it, and the scripts do not point at them.
    expect(files.filter((name) => name.includes(".map"))).toEqual([]);
    expect(readFileSync(path.join(dist, "static", manifest.entries.js!), "utf8")).not.toContain("sourceMappingURL");
    expect(readdirSync(path.join(dist, "sourcemaps"))).toContain(`${manifest.entries.js}.map`);
    // Minified: the stylesheet has no indentation left.
    expect(readFileSync(path.join(dist, "static", manifest.entries.css!), "utf8")).not.toMatch(/\n {2}/);
    // The page's bundle carries d3-format inside it; Arrow is the server's own file.
    const page = readFileSync(path.join(dist, "server", manifest.pages[0]!.file), "utf8");
    expect(page).toContain('from "../dash/arrow.js"');
    expect(page).not.toMatch(/from "file:|import\("file:/);
    expect(page).toContain("function FormatSpecifier(");
  });

  test("node dist/server/main.js runs with no esbuild, no TypeScript and no node_modules; Chromium uses the page", async () => {
    // Nothing above the copy holds a node_modules folder.
    for (let dir = dist; dir !== path.dirname(dir); dir = path.dirname(dir)) expect(existsSync(path.join(dir, "node_modules"))).toBe(false);
    const hook = path.join(folder, "refuse.mjs");
    writeFileSync(
      path.join(folder, "refuse-hooks.mjs"),
      `export async function resolve(specifier, context, next) {
  if (/^(esbuild|typescript)(\\/|$)/.test(specifier)) throw new Error("refused at run time: " + specifier);
  return next(specifier, context);
}\n`,
    );
    writeFileSync(hook, `import { register } from "node:module";\nregister(new URL("./refuse-hooks.mjs", import.meta.url));\n`);
    const server = await start(["--import", hook, path.join(dist, "server/main.js"), "--port", "0"]);

    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const html = await (await fetch(server.url)).text();
    const script = /src="(\/_dash\/client\.[0-9a-f]{12}\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();

    const page = await browser.newPage();
    const loaded: string[] = [];
    page.on("response", (response) => loaded.push(`${response.status()} ${response.url()}`));
    await page.goto(server.url);
    await waitIdle(page);
    await see(page, "Built with dash build");
    await see(page, "Hello from production");
    await see(page, "Total: 1,014.00");
    await page.getByRole("slider", { name: "Rows" }).focus();
    await page.keyboard.press("ArrowRight");
    await see(page, "Total: 1,030.00");
    // The table draws from Arrow in the browser (the lazily loaded, hashed chunk).
    await page.locator(".dash-table").getByText("16", { exact: true }).waitFor();
    await page.screenshot({ path: path.join(tmpdir(), "dash-build-page.png") });
    expect(loaded.filter((line) => line.includes("/_dash/lazy."))).toEqual([expect.stringMatching(/^200 /)]);
    await page.close();
    expect(server.output()).not.toContain("refused at run time");
  });

  test("dash serve sends the hashed files immutable, in the encoding the browser accepts", async () => {
    const server = await start([bin, "serve", dist, "--port", "0"]);
    const html = await (await fetch(server.url)).text();
    const script = /src="(\/_dash\/client\.[0-9a-f]{12}\.js)"/.exec(html)![1]!;
    const name = path.basename(script);
    const onDisk = (suffix: string): Buffer => readFileSync(path.join(dist, "static", name + suffix));
    const get = (encoding: string | null, extra: Record<string, string> = {}): Promise<http.IncomingMessage & { body: Buffer }> =>
      new Promise((resolve, reject) => {
        // node's fetch would decompress; a raw request shows the bytes sent.
        http
          .get(`${server.url}${script}`, { headers: { ...(encoding ? { "accept-encoding": encoding } : {}), ...extra } }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("end", () => resolve(Object.assign(res, { body: Buffer.concat(chunks) })));
          })
          .on("error", reject);
      });
    const br = await get("gzip, deflate, br, zstd");
    expect(br.statusCode).toBe(200);
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(br.headers["vary"]).toBe("accept-encoding");
    expect(br.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(br.body.equals(onDisk(".br"))).toBe(true);
    const gz = await get("gzip, br;q=0");
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gz.body.equals(onDisk(".gz"))).toBe(true);
    const plain = await get(null);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.equals(onDisk(""))).toBe(true);
    expect((await get("br", { "if-none-match": br.headers.etag! })).statusCode).toBe(304);
    expect((await fetch(`${server.url}/_dash/client.000000000000.js`)).status).toBe(404);
    // The page itself is never cached: it names the current files.
    expect((await fetch(server.url)).headers.get("cache-control")).toBe("no-cache");
  });

  test("path traversal: no probe of the static route reads the server's files or anything outside static/", async () => {
    const server = await start([bin, "serve", dist, "--port", "0"]);
    const port = Number(new URL(server.url).port);
    const { leaked, statuses } = await probeTraversal(port, ["/_dash/", "/"], [...secrets, { path: "server/manifest.json", holds: '"entries"' }]);
    expect(leaked).toEqual([]);
    expect(statuses.size).toBeGreaterThan(0);
  });

  test("with DASH_ASSET_URL the page loads its files from the CDN", async () => {
    // A CDN in front of a bucket holding dist/static: serves the files with CORS (module scripts need it).
    const served: string[] = [];
    const cdn = http.createServer((req, res) => {
      served.push(req.url!);
      const name = path.basename(req.url!.replace(/^\/app\//, ""));
      const file = path.join(dist, "static", name);
      if (!req.url!.startsWith("/app/") || !existsSync(file)) return void res.writeHead(404).end();
      res
        .writeHead(200, { "content-type": name.endsWith(".css") ? "text/css" : "text/javascript", "access-control-allow-origin": "*" })
        .end(readFileSync(file));
    });
    await new Promise<void>((resolve) => cdn.listen(0, "127.0.0.1", resolve));
    running.push({ stop: () => new Promise<void>((resolve) => cdn.close(() => resolve())) });
    const assetUrl = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}/app/`;
    const server = await start([bin, "serve", dist, "--port", "0"], { DASH_ASSET_URL: assetUrl });

    const page = await browser.newPage();
    const fromServer: string[] = [];
    page.on("request", (request) => request.url().startsWith(server.url + "/_dash/client") && fromServer.push(request.url()));
    await page.goto(server.url);
    await waitIdle(page);
    await see(page, "Total: 1,014.00");
    await page.locator(".dash-table").getByText("9", { exact: true }).waitFor();
    expect(fromServer).toEqual([]);
    expect(served.some((url) => /^\/app\/client\.[0-9a-f]{12}\.js$/.test(url))).toBe(true);
    expect(served.some((url) => /^\/app\/client\.[0-9a-f]{12}\.css$/.test(url))).toBe(true);
    expect(served.some((url) => /^\/app\/lazy\.[0-9a-f]{12}\.js$/.test(url))).toBe(true);
    const csp = (await fetch(server.url)).headers.get("content-security-policy")!;
    expect(csp).toContain(`script-src 'self' ${new URL(assetUrl).origin}`);
    await page.close();
  });

  test("dash serve app.ts (no build): the versioned client is immutable, chunks by plain name are revalidated; brotli or gzip", async () => {
    const server = await start([bin, "serve", fixture("build/app.ts"), "--port", "0"]);
    const html = await (await fetch(server.url)).text();
    const script = /src="(\/_dash\/client\.js\?v=[0-9a-f]{8})"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect(html).toMatch(/href="\/_dash\/client\.css\?v=[0-9a-f]{8}"/);
    const raw = (target: string, headers: Record<string, string>): Promise<http.IncomingMessage & { body: Buffer }> =>
      new Promise((resolve, reject) => {
        http
          .get(`${server.url}${target}`, { headers }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("end", () => resolve(Object.assign(res, { body: Buffer.concat(chunks) })));
          })
          .on("error", reject);
      });
    const plain = await raw(script!, {});
    const br = await raw(script!, { "accept-encoding": "gzip, br" });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    const gz = await raw(script!, { "accept-encoding": "gzip" });
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    expect(gz.headers.etag).not.toBe(br.headers.etag);
    // lazy.js is imported by that plain name: an upgrade of dash must reach browsers that cached it.
    const lazy = await raw("/_dash/lazy.js", { "accept-encoding": "br" });
    expect(lazy.statusCode).toBe(200);
    expect(lazy.headers["cache-control"]).toBe("no-cache");
    expect((await raw("/_dash/lazy.js", { "accept-encoding": "br", "if-none-match": lazy.headers.etag! })).statusCode).toBe(304);
  });

  test("a bad --asset-url is refused before anything is built", async () => {
    const failure = await promisify(execFile)(process.execPath, [
      bin,
      "build",
      fixture("build/app.ts"),
      "--out",
      path.join(folder, "never"),
      "--asset-url",
      "cdn.example.com/app",
    ]).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1, stderr: expect.stringContaining("--asset-url must be an absolute URL") });
    expect(existsSync(path.join(folder, "never"))).toBe(false);
  });
});
