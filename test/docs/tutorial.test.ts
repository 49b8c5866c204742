/**
 * docs/tutorial.md cannot rot: each TypeScript block in it is a file of examples/tutorial/, word
 * for word (its first line names the file), every file there is shown, every shell command it
 * gives is one this test knows and its paths exist, and the first app runs as the text says.
 * (The live app runs in examples/tutorial/live.test.ts, which the unit suite includes, and in
 * Chromium in test/e2e/tutorial.test.ts.)
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { testApp } from "dash/testing";

const root = path.resolve(import.meta.dirname, "../..");
const tutorial = readFileSync(path.join(root, "docs/tutorial.md"), "utf8");
const blocks = [...tutorial.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, body: m[2]! }));

describe("docs/tutorial.md", () => {
  test("its TypeScript blocks are the files of examples/tutorial/, verbatim, and it shows them all", () => {
    const shown: string[] = [];
    for (const block of blocks.filter((b) => b.lang === "ts")) {
      const file = /^\/\/ (examples\/tutorial\/[\w.-]+\.ts)\b/.exec(block.body)?.[1];
      expect(file, `a ts block must start with "// examples/tutorial/<file>.ts":\n${block.body.slice(0, 80)}`).toBeDefined();
      expect(block.body, `${file} differs from the tutorial's block`).toBe(readFileSync(path.join(root, file!), "utf8"));
      shown.push(file!);
    }
    const files = readdirSync(path.join(root, "examples/tutorial")).map((name) => `examples/tutorial/${name}`);
    expect(shown.sort()).toEqual(files.sort());
  });

  test("its shell commands are known ones, on paths that exist", () => {
    const commands = blocks.filter((b) => b.lang === "sh").flatMap((b) => b.body.split("\n").filter((line) => line.trim() && !line.startsWith("#")));
    expect(commands.length).toBeGreaterThan(2);
    for (const command of commands) {
      const run = /^npx (?:dash run|vitest run) (\S+)$/.exec(command);
      if (command === "npm ci") continue;
      expect(run, `a command this test does not know: ${command}`).not.toBeNull();
      expect(existsSync(path.join(root, run![1]!)), `${run![1]} does not exist`).toBe(true);
    }
    // Only blocks this test checks: TypeScript and shell.
    expect(blocks.map((b) => b.lang).filter((lang) => lang !== "ts" && lang !== "sh")).toEqual([]);
  });

  test("the first dashboard shows what the text says, and follows its sliders", async () => {
    const app = await testApp(path.join(root, "examples/tutorial/first.ts"));
    expect(app.exceptions).toEqual([]);
    expect(app.get("metric", "Visitors on the last day").props).toMatchObject({ value: 1335, delta: 335 });
    expect(tutorial).toContain("▲ +335");
    app.slider("Days").set(7);
    await app.run();
    expect(app.get("metric", "Visitors on the last day").value).toBe(1062);
    app.slider("Daily growth (%)").set(-2);
    await app.run();
    expect(app.get("metric", "Visitors on the last day").props.delta).toBeLessThan(0);
    app.close();
  });
});
