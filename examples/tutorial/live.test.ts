// examples/tutorial/live.test.ts — run with: npx vitest run examples/tutorial/
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { testApp } from "dash/testing";

test("the window slider decides which orders count", async () => {
  const app = await testApp(fileURLToPath(new URL("live.ts", import.meta.url)));
  // 10 minutes of one order every 2 s.
  expect(app.get("metric", "Orders").value).toBeGreaterThanOrEqual(300);

  app.slider("Last minutes").set(1);
  await app.run();
  expect(app.get("metric", "Orders").value).toBeLessThanOrEqual(31);
  expect(app.exceptions).toEqual([]);
  app.close();
});
