/**
 * A session's runs from start to end: the callbacks waiting for the run, the script (or one
 * fragment) inside the run's context, "Running…" for runs that take a while, and at the end the
 * page (the run's tree, or its error over the last good page), the status, the snapshot and the
 * session's watchers. `RunScheduler` (scheduler.ts) decides when `start` is called.
 */
import { current, Interrupted } from "./scope.ts";
import { RerunSignal, Run } from "./run.ts";
import { describeError } from "./errors.ts";
import type { RunRequest } from "./scheduler.ts";
import type { Session } from "./session.ts";
import { errorNode, insertError, mergeStale, setWidgetValue } from "./compose.ts";

/** Runs shorter than this (ms) never show "Running…". */
const runningDelay = 40;

export class Runner {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly session: Session) {}

  /** Run the script (or a fragment) now; resolves when this run is over. */
  start(request: RunRequest): Promise<void> {
    const session = this.session;
    const fragment = request.fragment ? session.fragments.get(request.fragment) : undefined;
    const run = new Run(session, request.trigger, fragment ? request.fragment : undefined);
    session.scheduler.run = run;
    session.runs++;
    // "Running…" is announced only for runs that take a while: a quick run's patch arrives
    // first and alone (one message fewer on the path from input to screen, and no flicker).
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (session.scheduler.run === run) session.host.send({ t: "status", status: "running" });
    }, runningDelay);
    const callbacks = session.values.callbacks.splice(0);
    session.services.enter(session);
    return current
      .run({ run, scope: run.scope }, async () => {
        let thrown: { error: unknown } | undefined;
        try {
          for (const callback of callbacks) callback();
          if (fragment) await fragment.fn();
          else await session.script.main();
        } catch (error) {
          thrown = { error };
        }
        const outcome = this.settle(run, thrown);
        if (outcome !== "interrupted") this.finish(run, outcome);
        session.host.runEnded?.(outcome, (performance.now() - run.started) / 1000);
      })
      .catch((error: unknown) => {
        // A failure in the runtime itself: show it rather than lose the session.
        session.lastError = describeError(error);
        session.host.send({ t: "status", status: "error" });
        session.host.runEnded?.("error", (performance.now() - run.started) / 1000);
      });
  }

  /** How a run ended: what it threw (if it threw), and what it asked for with `stop()`/`rerun()`. */
  private settle(run: Run, thrown: { error: unknown } | undefined): "done" | "error" | "interrupted" {
    const session = this.session;
    if (run.cancelled || thrown?.error instanceof Interrupted) return "interrupted";
    const ending = run.ending;
    if (ending instanceof RerunSignal) queueMicrotask(() => session.scheduler.request({ fragment: ending.fragment }));
    if (ending || !thrown) return "done";
    session.lastError = describeError(thrown.error);
    return "error";
  }

  private finish(run: Run, outcome: "done" | "error"): void {
    const session = this.session;
    if (session.scheduler.run !== run) return;
    session.scheduler.run = null;
    if (outcome === "done") session.lastError = null;
    if (run.fragment) {
      const fragment = session.fragments.get(run.fragment);
      if (fragment) {
        fragment.node.children = outcome === "error" ? mergeStale(fragment.node, run.root).children! : run.root.children!;
        if (outcome === "error") fragment.node.children.splice(run.root.children!.length, 0, errorNode(session.lastError!));
      }
    } else {
      run.root.props = run.pageProps;
      session.tree = outcome === "error" && session.tree ? mergeStale(session.tree, run.root) : run.root;
      if (outcome === "error") insertError(session.tree, run.scope.node.children!.length, session.lastError!);
      if (outcome === "done") session.values.forgetUndrawn(run);
      session.fragments.sync(run);
    }
    // Forms submitted with `clearOnSubmit`: the run saw the values; the page goes back to defaults.
    for (const [id, wire] of session.values.clearForms(run.clearedForms)) setWidgetValue(session.tree, id, wire);
    if (outcome === "done") session.blobs.release(run);
    session.flush(true);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    session.host.send({ t: "status", status: outcome === "error" ? "error" : "idle", ms: Math.round((performance.now() - run.started) * 100) / 100 });
    if (outcome === "done") session.host.snapshot?.(session.snapshot());
    for (const watcher of session.services.watchers) watcher.runFinished?.(session, run, "ran");
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
