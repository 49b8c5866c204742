/**
 * Session state and control of runs: `state`, `query`, `rerun`, `stop`, `fragment`, `user`.
 */
import type { User } from "@dash/runtime/auth/common.ts";
import { current, currentRun, scopeOf } from "@dash/runtime/scope.ts";
import { parseDuration, type Duration } from "@dash/runtime/sources/duration.ts";
import type { WidgetValues } from "@dash/runtime/values.ts";

/** The viewer, from the configured sign-in (`--auth`); `null` when there is none. */
export type { User } from "@dash/runtime/auth/common.ts";

/**
 * A per-session object kept across reruns. A widget with a `key` mirrors its value here, and
 * assigning `dash.state[key]` (in a callback, or before the widget's call) sets the widget.
 * @example dash.state.count ??= 0; if (dash.button("+1")) dash.state.count++;
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- authors store anything here
export const state: Record<string, any> = new Proxy(
  {},
  {
    get: (_, key) => (typeof key === "string" ? session().state[key] : undefined),
    set: (_, key, value) => {
      if (typeof key === "string") session().state[key] = value;
      return true;
    },
    deleteProperty: (_, key) => {
      if (typeof key === "string") delete session().state[key];
      return true;
    },
    has: (_, key) => typeof key === "string" && key in session().state,
    ownKeys: () => Reflect.ownKeys(session().state),
    getOwnPropertyDescriptor: (_, key) =>
      typeof key === "string" && key in session().state ? { value: session().state[key], writable: true, enumerable: true, configurable: true } : undefined,
  },
);

/** The current run's session values, once it is known that the run still goes: an interrupted run
 * throws here rather than read or change what the run that replaced it uses. */
function session(): WidgetValues {
  const run = currentRun();
  run.check();
  return run.session.values;
}

/**
 * The URL's query parameters, two-way: `dash.query.state = "TX"` updates the address bar.
 * Values are strings; assigning `undefined` removes a parameter.
 */
export const query: Record<string, string | undefined> = new Proxy(
  {},
  {
    get: (_, key) => (typeof key === "string" ? session().query[key] : undefined),
    set: (_, key, value: unknown) => {
      if (typeof key === "string") session().setQuery(key, value === undefined || value === null ? undefined : String(value));
      return true;
    },
    deleteProperty: (_, key) => {
      if (typeof key === "string") session().setQuery(key, undefined);
      return true;
    },
    has: (_, key) => typeof key === "string" && key in session().query,
    ownKeys: () => Reflect.ownKeys(session().query),
    getOwnPropertyDescriptor: (_, key) =>
      typeof key === "string" && key in session().query ? { value: session().query[key], writable: true, enumerable: true, configurable: true } : undefined,
  },
);

/** Rerun the script now (inside a fragment, `{ scope: "fragment" }` reruns just the fragment). */
export function rerun(options: { scope?: "app" | "fragment" } = {}): never {
  const run = currentRun();
  run.check();
  const fragment = options.scope === "fragment" ? current.getStore()?.scope.options.fragment : undefined;
  return run.rerun(fragment);
}

/** End this run here; what was drawn so far stays. */
export function stop(): never {
  const run = currentRun();
  run.check();
  return run.stop();
}

export interface FragmentOptions {
  /** Rerun the fragment alone on this interval (ms, or "5s", "10m", "1d" as in sources' `every`). */
  every?: Duration;
}

function toMs(every: Duration | undefined): number | undefined {
  if (every === undefined) return undefined;
  let ms: number;
  try {
    ms = parseDuration(every);
  } catch (error) {
    throw new Error(`fragment(): ${(error as Error).message}`);
  }
  // A timer longer than 2^31 - 1 ms would fire at once (Node and browsers clamp it to 1 ms).
  if (ms > maxTimer) throw new Error(`fragment(): every ${JSON.stringify(every)} is longer than timers allow (24 days).`);
  return ms;
}

const maxTimer = 2 ** 31 - 1;

/**
 * Draw `fn`'s output here, now; afterwards `fn` alone reruns when its own widgets change or every
 * interval, without rerunning the rest of the script.
 * @example dash.fragment(() => dash.metric("Queue", queueLength()), { every: "2s" });
 */
export function fragment<T>(this: unknown, fn: () => T, options: FragmentOptions = {}): T {
  const scope = scopeOf(this);
  return scope.run.session.fragments.draw(scope, fn, toMs(options.every)) as T;
}

/** Who is viewing: `{ email, name, sub, groups, claims }`, or `null` without sign-in. */
export function currentUser(): User | null {
  const run = current.getStore()?.run;
  if (run) run.readsUser = true; // this run's output depends on who views it (see shared-runs.ts)
  return run?.session.user ?? null;
}
