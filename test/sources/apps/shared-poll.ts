// dash.poll with a fetcher the test controls through globalThis.
import * as dash from "dash";

const test = globalThis as unknown as { pollCalls: number; pollValue: unknown };
const value = await dash.poll(
  "shared",
  () => {
    test.pollCalls++;
    if (test.pollValue instanceof Error) throw test.pollValue;
    return test.pollValue;
  },
  { every: "100ms" },
);
dash.json(value as object);
