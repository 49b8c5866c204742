// examples/pages/pages.test.ts — run with: npx vitest run examples/pages/
// A folder of page scripts is tested as one app: goto() moves between its pages in one session.
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { testApp } from "dash/testing";

test("the pages share one session: dash.state and the explore slider survive navigation", async () => {
  const app = await testApp(fileURLToPath(new URL(".", import.meta.url)));
  expect(app.pages).toEqual(["overview", "explore", "about"]);
  expect(app.page).toBe("overview");
  expect(app.get("caption").value).toBe("Runs of this session so far: 1");

  await app.goto("explore");
  app.slider("Minimum population (millions)").set(8);
  await app.run();
  expect(app.get("text").value).toMatch(/^\d cities with at least 8 million people$/);
  expect(app.query).toEqual({ min: "8" });

  await app.goto("about");
  expect(app.get("text").value).toBe("Visits counted on the overview page: 1");
  await app.goto("overview");
  expect(app.get("caption").value).toBe("Runs of this session so far: 2");
  await app.goto("explore");
  expect(app.slider("Minimum population (millions)").value).toBe(8);

  await expect(app.goto("settings")).rejects.toThrow('There is no page "settings". The pages are: overview, explore, about.');
  expect(app.exceptions).toEqual([]);
  app.close();
});
