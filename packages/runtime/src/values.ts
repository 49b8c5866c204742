/**
 * A session's widget values: what each widget holds, `state`, the URL's query, and what the
 * browser said it shows. `resolve` is the one place that decides a widget's value on a run:
 * what the browser shows (after a move) › an assignment to `state[key]` › the value kept from
 * the last run › the URL's query › the widget's initial value.
 */
import type { Json } from "./protocol.ts";
import type { WidgetRecord, WidgetSpec } from "./scope.ts";
import type { Run } from "./run.ts";
import type { Snapshot } from "./cluster/snapshot.ts";

export interface ValuesOptions {
  /** Widget values the browser remembers (after the server lost the session): checked on first render. */
  wire?: Record<string, Json> | undefined;
  query?: Record<string, string> | undefined;
  restore?: Snapshot | undefined;
  /** The query changed (the browser's address bar follows). */
  onQuery(query: Record<string, string>): void;
  warn(message: string): void;
}

export class WidgetValues {
  readonly widgets = new Map<string, unknown>();
  state: Record<string, unknown> = {};
  query: Record<string, string>;
  /** Widgets of the last run, by id (to validate input and call callbacks). */
  readonly records = new Map<string, WidgetRecord>();
  /** Callbacks (`onChange`, `onClick`, `onSubmit`) that run at the start of the next run. */
  readonly callbacks: (() => void)[] = [];
  private wire: Record<string, Json>;
  /** Query names whose widgets read the URL again at their next render (see the constructor). */
  private unread = new Set<string>();

  constructor(private readonly options: ValuesOptions) {
    this.query = { ...(options.query ?? {}) };
    if (options.restore) {
      for (const [key, value] of options.restore.widgets) this.widgets.set(key, value);
      this.state = options.restore.state;
      this.query = options.restore.query;
      // Taken over by a page that brought its URL (another replica's session): the URL wins, as
      // in `adoptQuery`; its widgets are not known before the first run, so they forget there.
      if (options.query) {
        this.unread = changedNames(this.query, options.query);
        this.query = { ...options.query };
      }
    }
    this.wire = { ...(options.wire ?? {}) };
  }

  /** The value of widget `id` on this run (see the file's comment for the order). */
  resolve<T>(id: string, spec: WidgetSpec<T>): T {
    let value: T | undefined;
    if (spec.query && this.unread.delete(spec.query)) {
      this.widgets.delete(id);
      if (spec.key !== undefined) delete this.state[spec.key];
    }
    // What the browser shows comes first: after a move to another replica it may be newer than the snapshot.
    if (id in this.wire) value = spec.parse(this.wire[id]!);
    delete this.wire[id];
    if (value === undefined && spec.key !== undefined && spec.key in this.state && this.state[spec.key] !== this.widgets.get(id)) {
      value = spec.coerce(this.state[spec.key]);
    }
    if (value === undefined && this.widgets.has(id)) value = spec.coerce(this.widgets.get(id));
    if (value === undefined && spec.query && this.query[spec.query] !== undefined) {
      value = spec.fromQuery?.(this.query[spec.query]!);
      if (value === undefined)
        this.options.warn(`The URL's ${spec.query}=${JSON.stringify(this.query[spec.query])} is not a valid value for "${spec.label}"; using the default.`);
    }
    value ??= spec.initial;
    this.set(id, spec, value);
    if (spec.query) {
      const text = spec.toQuery?.(value) ?? String(value);
      if (this.query[spec.query] !== text) this.setQuery(spec.query, text);
    }
    return value;
  }

  /** Remember the widget drawn as `id` (until a full run no longer draws it). */
  remember(id: string, record: WidgetRecord): void {
    delete this.wire[id];
    this.records.set(id, record);
  }

  /** A value from the browser for a widget of the last run; false (and a warning) if refused. */
  accept(id: string, record: WidgetRecord, wire: Json): boolean {
    const value = record.spec.parse(wire);
    if (value === undefined) {
      this.options.warn(`Refused a value for "${record.spec.label}": not a valid ${record.spec.kind} value.`);
      return false;
    }
    this.set(id, record.spec, value);
    if (record.spec.query) this.setQuery(record.spec.query, record.spec.toQuery?.(value) ?? String(value));
    const onChange = record.spec.onChange;
    if (onChange) this.callbacks.push(() => onChange(value));
    return true;
  }

  /** A value for a widget this session has not drawn here yet (restored quietly): checked on its first render. */
  acceptUnseen(id: string, wire: Json): void {
    this.widgets.delete(id);
    if (id.startsWith("key:")) delete this.state[id.slice(4)];
    this.wire[id] = wire;
  }

  /** Set a widget's value (and its mirror in `state`). */
  set(id: string, spec: { key?: string | undefined }, value: unknown): void {
    this.widgets.set(id, value);
    if (spec.key !== undefined) this.state[spec.key] = value;
  }

  setQuery(name: string, value: string | undefined): void {
    if (value === undefined) delete this.query[name];
    else this.query[name] = value;
    this.options.onQuery({ ...this.query });
  }

  /** Take the URL's query: widgets bound to a name that changed forget their values and read it. */
  adoptQuery(query: Record<string, string>): boolean {
    const changed = changedNames(this.query, query);
    if (changed.size === 0) return false;
    for (const [id, record] of this.records) {
      if (!record.spec.query || !changed.has(record.spec.query)) continue;
      this.widgets.delete(id);
      if (record.spec.key !== undefined) delete this.state[record.spec.key];
    }
    this.query = { ...query };
    return true;
  }

  /** After a full run that finished: widgets it did not draw (outside fragments it did not reach) are forgotten. */
  forgetUndrawn(run: Run): void {
    for (const [id, record] of [...this.records]) {
      if (run.widgetIds.has(id)) continue;
      if (record.fragment && !run.fragmentsSeen.has(record.fragment)) continue;
      this.records.delete(id);
      // Its mirror in `state` goes too (else the next render would take it for an assignment);
      // a value the author assigned to that key, different from the widget's, stays.
      const key = record.spec.key;
      if (key !== undefined && Object.is(this.state[key], this.widgets.get(id))) delete this.state[key];
      this.widgets.delete(id);
    }
  }

  /** Forms submitted with `clearOnSubmit`: their widgets go back to defaults. Returns each reset widget's wire value. */
  clearForms(forms: ReadonlySet<string>): [id: string, wire: Json][] {
    const reset: [string, Json][] = [];
    for (const [id, record] of this.records) {
      if (!record.form || !forms.has(record.form)) continue;
      this.set(id, record.spec, record.spec.initial);
      reset.push([id, record.spec.toWire(record.spec.initial)]);
    }
    return reset;
  }

  /** Anything waiting for the next run besides the snapshot (callbacks, the browser's values, a URL to read)? */
  get waiting(): boolean {
    return this.callbacks.length > 0 || this.unread.size > 0 || !isEmpty(this.wire);
  }

  /**
   * Take the values another session's run left (`restored`, this session's own copy), its widgets,
   * and what it left unread of the browser's values and URL (shared-runs.ts: a first run after a
   * resume starts with the browser's values, equal in both). `restored` null: the run left the
   * snapshot as it was, equal to this session's, which keeps its own values.
   */
  adopt(restored: Snapshot | null, from: WidgetValues): void {
    if (restored) {
      this.widgets.clear();
      for (const [id, value] of restored.widgets) this.widgets.set(id, value);
      this.state = restored.state;
      this.query = restored.query;
    }
    this.records.clear();
    for (const [id, record] of from.records) this.records.set(id, record);
    // (Usually both are empty: a session that shares a run has nothing of its own waiting.)
    if (!isEmpty(from.wire) || !isEmpty(this.wire)) this.wire = { ...from.wire };
    if (from.unread.size || this.unread.size) this.unread = new Set(from.unread);
  }
}

function isEmpty(object: object): boolean {
  for (const _ in object) return false;
  return true;
}

/** The names whose values differ between two queries. */
function changedNames(before: Record<string, string>, after: Record<string, string>): Set<string> {
  const names = new Set([...Object.keys(after), ...Object.keys(before)]);
  return new Set([...names].filter((name) => after[name] !== before[name]));
}
