// `fragment({ every })` reads durations with the same parser as sources (`gcs({ every: "1d" })`).
import path from "node:path";
import { expect, test } from "vitest";
import { testApp } from "../../packages/cli/src/testing.ts";

test('fragment({ every: "1d" }) runs, as gcs({ every: "1d" }) does; a bad interval is a clear error', async () => {
  const app = await testApp(path.join(import.meta.dirname, "../fixtures/fragment-every.ts"));
  try {
    expect(app.getAll("exception")).toHaveLength(0);
    expect(app.getAll("text").map((t) => t.value)).toEqual(["fragment every 1d", "after"]);
    for (const every of ["1h30m", "250ms"]) {
      app.select("Every").set(every);
      await app.run();
      expect(app.getAll("exception")).toHaveLength(0);
      expect(app.getAll("text").map((t) => t.value)).toEqual([`fragment every ${every}`, "after"]);
    }
    app.select("Every").set("soon");
    await app.run();
    expect(String(app.get("exception").props.message)).toBe('fragment(): Invalid duration "soon": expected e.g. "250ms", "20s", "5m", "1h", "1d"');
    app.select("Every").set("30d");
    await app.run();
    expect(String(app.get("exception").props.message)).toBe('fragment(): every "30d" is longer than timers allow (24 days).');
  } finally {
    app.close();
  }
});
