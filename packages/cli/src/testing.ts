/**
 * `dash/testing`: run a script headless, in-process, with no browser — for vitest.
 *
 * ```ts
 * import { testApp } from "dash/testing";
 * const app = await testApp("app.ts");
 * app.select("State").set("TX");
 * await app.run();
 * expect(app.get("metric", "Population").value).toBe(39_000_000);
 * ```
 *
 * A folder of page scripts is a multi-page app: `testApp("pages/")` opens its first page, and
 * `await app.goto("explore")` moves to another with the session (widget values, `dash.state`) kept.
 */
import { pathToFileURL } from "node:url";
import { buildScript } from "@dash/runtime/build.ts";
import type { BinaryHeader, Json, Props, ServerMessage, WireNode } from "@dash/runtime/protocol.ts";
import { decodeBinary, splitData } from "@dash/runtime/protocol.ts";
import { Session, type App } from "@dash/runtime/session.ts";
import type { User } from "@dash/runtime/auth/common.ts";
import { applyPatch, PatchMismatch } from "@dash/runtime/patch.ts";
import type { Page } from "@dash/runtime/tree.ts";
import { scriptApi } from "@dash/widgets";
import { setAppFolder } from "@dash/widgets/image.ts";
import { fakeSources, liveWatcher } from "@dash/widgets/live.ts";
import { widgets, type WidgetKind } from "@dash/widgets/widget.ts";
import { fakeAnswer, type FakeSources } from "./fakes.ts";
import { appFolderOf, findPages } from "./pages.ts";

export type { FakeData, FakeSources } from "./fakes.ts";

/** An element of the rendered page. */
export interface TestElement {
  /** The element's identity on the page (from its key path): the browser keeps DOM state by it. */
  id: number;
  type: string;
  props: Props;
  /** The element's main value: a widget's value as the browser holds it, a metric's value… */
  value: Json | undefined;
  label: string | undefined;
  children: TestElement[];
  stale: boolean;
}

/** A widget found by kind and label. */
export interface TestWidget {
  readonly value: unknown;
  readonly props: Props;
  /** Set the widget as a viewer would (validated like browser input); call `app.run()` after. */
  set(value: unknown): TestWidget;
  /** Click a button (or submit a form); call `app.run()` after. */
  click(): TestWidget;
}

export interface TestAppOptions {
  query?: Record<string, string>;
  /** A multi-page app (a folder): the page to open first, by name (default: the first page). */
  page?: string;
  /** Seconds `run()` waits for a script before failing (default 10). */
  timeout?: number;
  /**
   * Fake connector data: `dash.gcs`, `dash.bigquery` and `dash.file` ask these functions instead
   * of the real source (a kind left out, or a fake returning `undefined`, reads the real one).
   * Return rows, an Arrow table, or an object's text/bytes (read in the source's format). Throw
   * after a success to make the data stale.
   * @example testApp("app.ts", { sources: { bigquery: (sql, { state }) => [{ state, pm25: 7 }] } })
   */
  sources?: FakeSources;
  /**
   * Run as this signed-in viewer (`dash.user`); fields left out are filled in: `name` and `sub`
   * from the email, no groups, no claims. Without it, `dash.user` is `null` (no sign-in).
   * @example testApp("app.ts", { user: { email: "ada@example.com", groups: ["analysts"] } })
   */
  user?: (Partial<User> & { email: string }) | undefined;
}

export interface TestApp {
  /** Run the script now (after setting widgets); resolves when the run has finished. */
  run(): Promise<TestApp>;
  /**
   * Open another page of a multi-page app (a folder of scripts), as a click in the sidebar does:
   * widget values, `dash.state` and the query are kept. Resolves when the page has run.
   */
  goto(page: string): Promise<TestApp>;
  /** The page open now (its name: the file name without the order prefix and extension). */
  readonly page: string;
  /** The pages of the app, in order. */
  readonly pages: string[];
  /** All elements of the page, depth first, in page order (containers included). */
  readonly elements: TestElement[];
  /** The main area's and the sidebar's top-level elements. */
  readonly main: TestElement[];
  readonly sidebar: TestElement[];
  /** The first element of this type (and label/text), or throws listing what there is. */
  get(type: string, label?: string): TestElement;
  getAll(type: string, label?: string): TestElement[];
  widget(kind: string, label: string): TestWidget;
  button(label: string): TestWidget;
  checkbox(label: string): TestWidget;
  toggle(label: string): TestWidget;
  radio(label: string): TestWidget;
  select(label: string): TestWidget;
  multiselect(label: string): TestWidget;
  slider(label: string): TestWidget;
  selectSlider(label: string): TestWidget;
  numberInput(label: string): TestWidget;
  textInput(label: string): TestWidget;
  textArea(label: string): TestWidget;
  dateInput(label: string): TestWidget;
  timeInput(label: string): TestWidget;
  colorPicker(label: string): TestWidget;
  /** Upload files to a file uploader, as a viewer would. */
  upload(label: string, files: { name: string; type?: string; bytes: Uint8Array | string }[]): void;
  /** Exceptions shown in the page. */
  readonly exceptions: TestElement[];
  readonly state: Record<string, unknown>;
  readonly query: Record<string, string>;
  /** Messages the session sent (toasts, warnings, query updates…). */
  readonly messages: ServerMessage[];
  /** Data blobs (Arrow IPC and downloads) the browser would hold, by hash. */
  readonly data: Map<string, Uint8Array>;
  /** Bytes that would have crossed the WebSocket so far. */
  readonly bytesSent: number;
  /** Binary (data) frames sent so far. */
  readonly framesSent: number;
  /** What crossed the wire, in order: message types, and data hashes for binary frames. */
  readonly sent: string[];
  /** End the session: its timers stop and its live sources are released (call it when the test is done). */
  close(): void;
}

const valueKeys = ["value", "text", "source"];

/**
 * The declared widgets a test drives by label (`app.slider("Year").set(2020)`), one `TestApp`
 * method each (`Pick` fails to compile when one is missing). The others are reached otherwise: a
 * file uploader by `upload`, a download button by `widget("downloadButton", label)`; a table's
 * sort and a chart's width are the browser's.
 */
const notByLabel = ["downloadButton", "fileUploader", "table", "chart"] as const satisfies readonly WidgetKind[];
type ByLabel = Exclude<WidgetKind, (typeof notByLabel)[number]>;
const byLabel = (Object.keys(widgets) as WidgetKind[]).filter((kind): kind is ByLabel => !(notByLabel as readonly WidgetKind[]).includes(kind));

let sessions = 0;

/** Build and run a script (or the first page of a folder of scripts) once; returns a handle to drive it. */
export async function testApp(file: string, options: TestAppOptions = {}): Promise<TestApp> {
  (globalThis as { __dashApi?: object }).__dashApi ??= scriptApi();
  setAppFolder(appFolderOf(file));
  const found = findPages(file);
  const app: App = { pages: new Map(), defaultPage: found.defaultPage };
  for (const { name, source, title } of found.pages) {
    const built = await buildScript(source);
    const module = (await import(pathToFileURL(built.file).href)) as { default: () => unknown };
    app.pages.set(name, { main: module.default, file: source, title });
  }
  /** A page's name, checked: an unknown one names the pages there are. */
  const pageNamed = (name: string): string => {
    if (!app.pages.has(name)) throw new Error(`There is no page ${JSON.stringify(name)}. The pages are: ${[...app.pages.keys()].join(", ")}.`);
    return name;
  };
  if (options.page !== undefined) pageNamed(options.page);
  let page: Page = new Map();
  /** A patch that did not fit the page (a server bug): `run()` and every read of the page throw it. */
  let mismatch: PatchMismatch | undefined;
  const messages: ServerMessage[] = [];
  const data = new Map<string, Uint8Array>();
  let bytesSent = 0;
  let framesSent = 0;
  const sent: string[] = [];
  /** Runs waiting to finish; an interrupted run is over when the run that replaced it is. */
  const waiting = new Set<() => void>();
  const sid = `test-${++sessions}`;
  if (options.sources) fakeSources.answer.set(sid, fakeAnswer(options.sources));
  const session = new Session(
    sid,
    {
      send(message) {
        bytesSent += JSON.stringify(message).length;
        messages.push(message);
        sent.push(message.t);
        if (message.t === "full") page = new Map(Object.entries(message.nodes).map(([id, node]) => [Number(id), node]));
        else if (message.t === "patch") {
          // As the browser's store does; where a browser would resync, the test fails (see `run`).
          try {
            applyPatch(page, message.patch);
          } catch (error) {
            if (!(error instanceof PatchMismatch)) throw error;
            mismatch ??= error;
          }
          for (const hash of message.patch.release ?? []) data.delete(hash);
        } else if (message.t === "status" && message.status !== "running") {
          for (const resolve of waiting) resolve();
          waiting.clear();
        }
      },
      sendBinary(frame) {
        bytesSent += frame.length;
        framesSent++;
        const decoded = decodeBinary(frame);
        const header = decoded?.header as BinaryHeader | undefined;
        if (decoded && header?.kind === "data") {
          for (const [hash, bytes] of splitData(header, decoded.payload) ?? []) {
            data.set(hash, bytes.slice());
            sent.push(hash);
          }
        }
      },
    },
    app,
    {
      query: options.query,
      page: options.page,
      user: options.user ? { name: options.user.email, sub: options.user.email, groups: [], claims: {}, ...options.user } : null,
      // In-process: no main thread to ask; live data reads its sources in this thread.
      services: { enter: () => {}, watchers: [liveWatcher] },
    },
  );
  session.attach(undefined);

  const toElement = (id: number): TestElement => {
    const node = page.get(id) as WireNode;
    const key = valueKeys.find((k) => k in node.props);
    return {
      id,
      type: node.type,
      props: node.props,
      value: key ? node.props[key] : undefined,
      label: typeof node.props.label === "string" ? node.props.label : typeof node.props.text === "string" ? node.props.text : undefined,
      children: (node.children ?? []).map(toElement),
      stale: node.props.$stale === true,
    };
  };
  const flat = (): TestElement[] => {
    if (mismatch) throw mismatch;
    const out: TestElement[] = [];
    const visit = (element: TestElement): void => {
      out.push(element);
      element.children.forEach(visit);
    };
    if (page.has(0)) toElement(0).children.forEach(visit);
    return out;
  };
  const getAll = (type: string, label?: string): TestElement[] => flat().filter((e) => e.type === type && (label === undefined || e.label === label));
  const get = (type: string, label?: string): TestElement => {
    const found = getAll(type, label)[0];
    if (!found) {
      const present = flat()
        .filter((e) => !["sidebar", "main", "column", "tab"].includes(e.type))
        .map((e) => `${e.type}${e.label ? ` "${e.label}"` : ""}`);
      throw new Error(`No ${type}${label !== undefined ? ` "${label}"` : ""} on the page. It has: ${present.join(", ") || "nothing"}.`);
    }
    return found;
  };
  const widget = (kind: string, label: string): TestWidget => {
    const id = () => String(get(kind, label).props.id);
    const record = () => {
      const found = session.values.records.get(id());
      if (!found) throw new Error(`${kind} "${label}" was not rendered in the last run.`);
      return found;
    };
    const handle: TestWidget = {
      get value() {
        return session.values.widgets.get(id()) ?? (record().spec.trigger ? false : undefined);
      },
      get props() {
        return get(kind, label).props;
      },
      set(value: unknown) {
        const spec = record().spec;
        const coerced = spec.coerce(value);
        if (coerced === undefined) throw new Error(`${JSON.stringify(value)} is not a valid value for ${kind} "${label}".`);
        const message = record().form
          ? { t: "submit" as const, form: record().form!, values: { [id()]: spec.toWire(coerced) } }
          : { t: "set" as const, id: id(), value: spec.toWire(coerced) };
        if (message.t === "submit") pendingForm.set(message.form, { ...(pendingForm.get(message.form) ?? {}), ...message.values });
        else session.receive(message);
        return handle;
      },
      click() {
        const element = get(kind, label);
        if (kind === "form") session.receive({ t: "submit", form: String(element.props.id), values: pendingForm.get(String(element.props.id)) ?? {} });
        else session.receive({ t: "click", id: String(element.props.id) });
        return handle;
      },
    };
    return handle;
  };
  const pendingForm = new Map<string, Record<string, Json>>();

  const run = async (): Promise<TestApp> => {
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`The script did not finish within ${options.timeout ?? 10} s.`)), (options.timeout ?? 10) * 1000);
      waiting.add(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    void session.scheduler.startPending();
    await done;
    await new Promise((resolve) => setImmediate(resolve)); // what the run sent last (a big table's rows)
    if (mismatch) throw mismatch;
    return api;
  };

  const api = {
    run,
    async goto(name: string) {
      session.receive({ t: "nav", page: pageNamed(name) });
      return run();
    },
    get page() {
      return session.page;
    },
    pages: [...app.pages.keys()],
    get elements() {
      return flat();
    },
    get main() {
      return page.has(0) ? toElement(0).children[1]!.children : [];
    },
    get sidebar() {
      return page.has(0) ? toElement(0).children[0]!.children : [];
    },
    get,
    getAll,
    widget,
    upload(label: string, files: { name: string; type?: string; bytes: Uint8Array | string }[]) {
      const id = String(get("fileUploader", label).props.id);
      files.forEach((file, index) =>
        session.upload(
          id,
          { name: file.name, type: file.type ?? "", bytes: typeof file.bytes === "string" ? new TextEncoder().encode(file.bytes) : file.bytes },
          index,
          files.length,
        ),
      );
    },
    get exceptions() {
      return getAll("exception");
    },
    get state() {
      return session.values.state;
    },
    get query() {
      return session.values.query;
    },
    messages,
    data,
    get bytesSent() {
      return bytesSent;
    },
    get framesSent() {
      return framesSent;
    },
    sent,
    close() {
      session.dispose();
      fakeSources.answer.delete(sid);
    },
  } as unknown as TestApp;
  for (const kind of byLabel) (api as Pick<TestApp, ByLabel>)[kind] = (label: string) => widget(kind, label);
  await run();
  return api;
}
