/** Apps for tests that drive a `Session` directly, without building a script file. */
import type { App } from "../../packages/runtime/src/session.ts";

/** An app of one page, "main", whose script is `main`. */
export function onePage(main: () => unknown, file = "app.ts"): App {
  return { pages: new Map([["main", { main, file, title: "main" }]]), defaultPage: "main" };
}
