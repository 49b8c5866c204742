/**
 * The script model as a Streamlit user expects it (issue 14): each app here is a port of one of
 * Streamlit's own end-to-end tests.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { testApp } from "../../packages/cli/src/testing.ts";

const fixture = (name: string): string => path.join(import.meta.dirname, "../fixtures", name);
const texts = (app: Awaited<ReturnType<typeof testApp>>) => app.getAll("text").map((t) => t.value);

describe("the script model, as in Streamlit", () => {
  it("a keyed widget that was not rendered forgets its value, and its mirror in state goes with it", async () => {
    const app = await testApp(fixture("keyed-redisplay.ts"));
    app.checkbox("Display widgets").set(true);
    await app.run();
    app.checkbox("Show goodbye").set(true);
    await app.run();
    expect(texts(app)).toEqual(["c3 in state: true", "goodbye"]);
    app.checkbox("Display widgets").set(false);
    await app.run(); // (the widget is forgotten at the end of the run that did not draw it)
    app.checkbox("Display widgets").set(true);
    await app.run();
    expect(texts(app)).toEqual(["c3 in state: false"]);
    expect(app.checkbox("Show goodbye").value).toBe(false);
    expect(app.state.c3).toBe(false);
    app.close();
  });
});
