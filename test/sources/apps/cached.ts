// dash.cache created in the entry script, as authors write it: a new memoized function each run.
import * as dash from "dash";

const test = globalThis as unknown as { cacheCalls: number };
const load = dash.cache(
  async (state: string) => {
    test.cacheCalls++;
    await new Promise((resolve) => setTimeout(resolve, 50));
    return state.toUpperCase();
  },
  { ttl: "1h" },
);
dash.text(await load("ca"));
