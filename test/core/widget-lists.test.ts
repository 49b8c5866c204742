// The widget contract: each widget is declared once (packages/widgets/src/widget.ts); the lists
// that name widgets elsewhere must agree with the declarations and with each other. A widget
// missing from one of them fails here.
import path from "node:path";
import { expect, test } from "vitest";
import * as cli from "../../packages/cli/src/index.ts";
import { testApp } from "../../packages/cli/src/testing.ts";
import { renderers } from "../../packages/widgets/src/client/index.ts";
import { elements, scriptApi } from "../../packages/widgets/src/index.ts";
import { widgets } from "../../packages/widgets/src/widget.ts";

test("each declaration is filed under its own kind, and each kind has a browser renderer", () => {
  for (const [name, declared] of Object.entries(widgets)) {
    expect(declared.kind).toBe(name);
    expect(typeof renderers[declared.kind], `renderer of ${name}`).toBe("function");
  }
});

test("every element function is exported by the dash package and seen by scripts, and nothing else is", () => {
  const api = scriptApi();
  for (const [name, fn] of Object.entries(elements)) {
    expect((cli as Record<string, unknown>)[name], `dash.${name} in packages/cli/src/index.ts`).toBe(fn);
    expect((api as Record<string, unknown>)[name], `dash.${name} in scriptApi()`).toBe(fn);
  }
  const functions = Object.entries(cli).filter(([, value]) => typeof value === "function" && !/^[A-Z]/.test(value.name));
  for (const [name] of functions) expect(name in api, `dash.${name} exported but not in scriptApi()`).toBe(true);
});

test("each declared widget, drawn by its function, sends its declared kind, which the browser can draw", async () => {
  const app = await testApp(path.join(import.meta.dirname, "../fixtures/every-widget.ts"));
  try {
    expect(app.exceptions).toEqual([]);
    const drawn = new Set(app.elements.map((e) => e.type));
    for (const kind of Object.keys(widgets)) expect(drawn.has(kind), `${kind} drawn`).toBe(true);
    for (const type of drawn) expect(typeof renderers[type], `renderer of ${type}`).toBe("function");
    for (const element of app.elements.filter((e) => e.type in widgets)) {
      const declared = widgets[element.type as keyof typeof widgets];
      // The runtime's props every renderer reads, as RuntimeProps declares them.
      expect(element.props).toMatchObject({ kind: declared.kind, id: expect.any(String), label: expect.any(String) });
    }
  } finally {
    app.close();
  }
});
