// image(path) reads files in the app's folder only: a path a viewer can steer (`?src=/etc/passwd`)
// must not send the server's other files to the browser.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { testApp } from "../../packages/cli/src/testing.ts";

const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe("image(path)", () => {
  const base = mkdtempSync(path.join(tmpdir(), "dash-image-"));
  const folder = path.join(base, "app");
  mkdirSync(path.join(folder, "img"), { recursive: true });
  writeFileSync(path.join(folder, "img", "logo.png"), png);
  writeFileSync(path.join(base, "secret.png"), png);
  symlinkSync(path.join(base, "secret.png"), path.join(folder, "img", "link.png"));
  const script = path.join(folder, "app.ts");
  writeFileSync(
    script,
    `import * as dash from "dash";
for (const src of (dash.query.src ?? "").split(",").filter(Boolean)) {
  try {
    dash.image(src.startsWith("any:") ? src.slice(4) : src, { unsafeAnyPath: src.startsWith("any:") });
  } catch (error) {
    dash.error((error as Error).message);
  }
}
`,
  );

  const shown = async (...srcs: string[]): Promise<string[]> => {
    const app = await testApp(script, { query: { src: srcs.join(",") } });
    const out = app.main.map((e) => (e.type === "image" ? String(e.props.src).slice(0, 22) : String(e.value)));
    app.close();
    return out;
  };

  it("reads a file in the app's folder (absolute or relative to the working directory)", async () => {
    expect(await shown(path.join(folder, "img", "logo.png"), path.relative(process.cwd(), path.join(folder, "img", "logo.png")))).toEqual([
      "data:image/png;base64,",
      "data:image/png;base64,",
    ]);
  });

  it("refuses a file outside it, by path, by ../ or through a link, with a clear error and without reading it", async () => {
    const outside = /^image\(\): ".*" is outside the app's folder; only files in it are read \(pass \{ unsafeAnyPath: true \} to read one elsewhere\)\.$/;
    const out = await shown("/etc/passwd", path.join(folder, "..", "secret.png"), path.join(folder, "img", "link.png"), "/etc/does-not-exist.png");
    expect(out).toHaveLength(4);
    for (const line of out) expect(line).toMatch(outside);
  });

  it("reads one elsewhere when told (unsafeAnyPath)", async () => {
    expect(await shown(`any:${path.join(base, "secret.png")}`)).toEqual(["data:image/png;base64,"]);
  });

  it("refuses URLs other than http(s) and data:image", async () => {
    const out = await shown("file:///etc/passwd", "javascript:alert(1)");
    for (const line of out) expect(line).toMatch(/is not an http\(s\) URL, a data:image URL, image bytes, or a file in the app's folder\.$/);
  });
});
