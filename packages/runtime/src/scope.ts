/**
 * What element and widget functions write to: the current run and the container they append to.
 *
 * Every author-facing function (`dash.title`, `left.metric`, `dash.sidebar.slider`) is declared
 * with a `this` parameter and starts with `scopeOf(this)`: called on a container handle it writes
 * there, called on the `dash` module it writes to the current container of the current run
 * (found through AsyncLocalStorage, so many sessions can run interleaved in one thread).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Json, Props } from "./protocol.ts";
import type { Node } from "./tree.ts";
import type { Run } from "./run.ts";

export const scopeKey: unique symbol = Symbol("dash.scope");

/** Thrown at the next dash call of a run that a newer input has replaced. */
export class Interrupted extends Error {
  constructor() {
    super("This run was interrupted by a newer input.");
    this.name = "Interrupted";
  }
}

/** How a widget behaves: defaults, validation of browser input, and what travels to the browser. */
export interface WidgetSpec<T> {
  kind: string;
  label: string;
  key?: string | undefined;
  /** Props the browser needs to draw it (label, options, bounds…); `value` is added by the runtime. */
  props: Props;
  /** Props that depend on the value (a big table's row order for its sort, a chart drawn for its width). */
  propsFor?(value: T): Props;
  /** The value when nothing was set. */
  initial: T;
  /** Validate a value that arrived from the browser; `undefined` refuses it. May clamp. */
  parse(wire: Json): T | undefined;
  /** Check a value kept from an earlier run or assigned to `dash.state[key]`; `undefined` = not valid now. */
  coerce(value: unknown): T | undefined;
  toWire(value: T): Json;
  /** Read a URL query value (`{ query: "name" }` binding); `undefined` = not valid. */
  fromQuery?(text: string): T | undefined;
  toQuery?(value: T): string;
  query?: string | undefined;
  onChange?: ((value: T) => void) | undefined;
  /** Buttons: the value is `true` only on the run their click caused. */
  trigger?: boolean;
}

/** The one widget id rule: `key:<key>` when the author gave a key, else `<kind>:<label>`. */
export function widgetId(spec: { kind: string; label: string; key?: string | undefined }): string {
  return spec.key !== undefined ? `key:${spec.key}` : `${spec.kind}:${spec.label}`;
}

/** The widget as the session remembers it between runs (to validate input and call callbacks). */
export interface WidgetRecord {
  spec: WidgetSpec<unknown>;
  form?: string | undefined;
  fragment?: string | undefined;
}

export interface ScopeOptions {
  form?: string | undefined;
  fragment?: string | undefined;
}

/** A container of the page during one run. */
export class Scope {
  private counts = new Map<string, number>();
  constructor(
    readonly run: Run,
    readonly node: Node,
    readonly options: ScopeOptions = {},
  ) {
    node.children ??= [];
  }

  /** Append an element; returns its node so handles (progress, empty) can change it later. */
  add(type: string, props: Props, key?: string): Node {
    this.run.check();
    const node: Node = { type, key: key ?? this.nextKey(type), props };
    this.node.children!.push(node);
    this.changed();
    return node;
  }

  /** Append a container and return a scope writing into it. */
  child(type: string, props: Props, options: ScopeOptions = {}, key?: string): Scope {
    const node = this.add(type, props, key);
    node.children = [];
    return new Scope(this.run, node, { ...this.options, ...options });
  }

  /** Render a widget and return its current value (values.ts decides it). */
  widget<T>(spec: WidgetSpec<T>): T {
    this.run.check();
    const id = widgetId(spec);
    this.run.claimWidget(id, spec);
    const values = this.run.session.values;
    const value = spec.trigger ? ((this.run.trigger === id) as T) : values.resolve(id, spec);
    values.remember(id, { spec: spec as WidgetSpec<unknown>, form: this.options.form, fragment: this.options.fragment ?? this.run.fragment });
    const props: Props = { ...spec.props, ...spec.propsFor?.(value), id, kind: spec.kind, label: spec.label, value: spec.toWire(value) };
    if (this.options.form) props.form = this.options.form;
    this.add(spec.kind, props, `w:${id}`);
    return value;
  }

  /** Register a form as a trigger (its submit button behaves like a button); true on the run its submit caused. */
  form(id: string, label: string, onSubmit?: () => void): boolean {
    this.run.widgetIds.set(id, new Error());
    const spec: WidgetSpec<boolean> = {
      kind: "form",
      label,
      props: {},
      initial: false,
      trigger: true,
      parse: () => undefined,
      coerce: () => false,
      toWire: () => false,
      onChange: onSubmit,
    };
    this.run.session.values.remember(id, { spec: spec as WidgetSpec<unknown>, fragment: this.options.fragment ?? this.run.fragment });
    return this.run.trigger === id;
  }

  /** Register a data blob for the browser; returns the `{ $data }` reference to put in props.
   * `deferred` blobs are sent after the patch (the page shows without waiting for them). */
  data(hash: string, bytes: Uint8Array, options: { deferred?: boolean } = {}): Json {
    this.run.useData(hash, this.options.fragment);
    this.run.session.blobs.add(hash, bytes, options.deferred);
    return { $data: hash };
  }

  /** Replace everything this container shows (used by `empty()` slots). */
  clear(): void {
    this.node.children = [];
    this.counts.clear();
    this.changed();
  }

  /** The page this scope draws on changed (a handle updated a node in place): send it soon. */
  changed(): void {
    this.run.session.scheduleFlush();
  }

  /** A key taken from what the author wrote (a label, a `key`), made unique within this container:
   * the element keeps its identity (and the browser its open/selected state) when others move. */
  uniqueKey(base: string): string {
    const n = this.counts.get(base) ?? 0;
    this.counts.set(base, n + 1);
    return n === 0 ? base : `${base}#${n}`;
  }

  nextKey(type: string): string {
    const n = this.counts.get(type) ?? 0;
    this.counts.set(type, n + 1);
    return `${type}${n}`;
  }
}

/** The current run's context, carried through awaits. */
export const current = new AsyncLocalStorage<{ run: Run; scope: Scope }>();

/** A container handle as authors see it: every element function, bound to one scope. */
export interface Handle {
  [scopeKey]: Scope | (() => Scope);
}

/** The scope an element function writes to: its handle's, else the current run's. */
export function scopeOf(self: unknown): Scope {
  if (self && typeof self === "object" && scopeKey in self) {
    const target = (self as Handle)[scopeKey];
    const scope = typeof target === "function" ? target() : target;
    scope.run.check();
    return scope;
  }
  const context = current.getStore();
  if (!context) throw new Error("dash functions can only be called while a dash script runs (dash run app.ts).");
  context.run.check();
  return context.scope;
}

/** The run a call belongs to (for functions that do not draw, like `rerun` or `state`). */
export function currentRun(): Run {
  const context = current.getStore();
  if (!context) throw new Error("dash functions can only be called while a dash script runs (dash run app.ts).");
  return context.run;
}
