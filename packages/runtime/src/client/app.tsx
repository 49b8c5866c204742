/**
 * The browser side: one WebSocket to the server, the page store it patches, and the Preact tree
 * that draws the store. Reconnects with backoff and resumes the same session when it can.
 */
import { Component, render, type ComponentChildren, type FunctionComponent } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Account, BinaryHeader, ClientMessage, ErrorInfo, Json, PageInfo, ServerMessage, WireNode } from "../protocol.ts";
import { decodeBinary, splitData } from "../protocol.ts";
import { DashContext, useDash, useNode, type Dash } from "./context.ts";
import { Heartbeat } from "./heartbeat.ts";
import { Store } from "./store.ts";

export interface RendererProps {
  id: number;
  node: WireNode;
  children: ComponentChildren[];
}
export type Renderer = FunctionComponent<RendererProps>;

type Connection = "connecting" | "connected" | "reconnecting";

interface Ui {
  connection: Connection;
  running: boolean;
  buildError: ErrorInfo | null;
  scriptError: ErrorInfo | null;
  typeErrors: ErrorInfo[];
  toasts: { id: number; message: string; icon?: string | undefined; kind: "info" | "warning" }[];
  pages: PageInfo[];
  page: string | undefined;
  /** The signed-in viewer (with `--auth`), for the menu. */
  account: Account | null;
}

const sessionKey = "dash.session";
/** Widget values kept across a reload to sign in again (a sign-in that expired). */
const restoreKey = "dash.restore";

/** Start the client: connect, and draw the page into `#app`. */
export interface MountOptions {
  /** Called each time the page has asked the server for its page (the WebSocket opened and the
   * hello is sent): a moment to load what the page will need while the server runs the script. */
  afterHello?: () => void;
}

export function mount(renderers: Record<string, Renderer>, options: MountOptions = {}): void {
  const store = new Store();
  let ui: Ui = {
    connection: "connecting",
    running: false,
    buildError: null,
    scriptError: null,
    typeErrors: [],
    toasts: [],
    pages: [],
    page: undefined,
    account: null,
  };
  const uiListeners = new Set<() => void>();
  const setUi = (change: Partial<Ui>): void => {
    // Nothing to redraw when nothing changed (a quick run's "idle" after a patch, say).
    if (Object.entries(change).every(([key, value]) => ui[key as keyof Ui] === value)) return;
    ui = { ...ui, ...change };
    for (const listener of uiListeners) listener();
  };
  let toastId = 0;
  const toast = (message: string, kind: "info" | "warning", icon?: string): void => {
    const id = ++toastId;
    setUi({ toasts: [...ui.toasts, { id, message, icon, kind }].slice(-4) });
    setTimeout(() => setUi({ toasts: ui.toasts.filter((t) => t.id !== id) }), kind === "warning" ? 6000 : 4000);
  };

  let socket: WebSocket | null = null;
  let attempts = 0;
  let hadSession = false;
  const queue: string[] = [];
  /** Values the viewer set since the last finished run: if the server dies before it ran them, the next one gets them. */
  const edits = new Map<string, Json>();
  const dash: Dash = {
    store,
    uploadErrors: new Map(),
    send(message: ClientMessage): void {
      if (message.t === "set") edits.set(message.id, message.value);
      const text = JSON.stringify(message);
      if (socket?.readyState === WebSocket.OPEN && ui.connection === "connected") socket.send(text);
      else if (message.t !== "ping") queue.push(text);
    },
    sendBinary(frame: Uint8Array): void {
      if (socket?.readyState === WebSocket.OPEN) socket.send(frame);
    },
  };
  /** Runs the server said were over (tests wait for the first: content can show before it ends). */
  let finished = 0;
  (window as unknown as { __dash: unknown }).__dash = { store, ui: () => ui, send: dash.send, socket: () => socket, finished: () => finished };

  /** Widget values we hold, so a server that lost our session can restore them. */
  const widgetValues = (): Record<string, Json> => {
    const values: Record<string, Json> = {};
    for (const node of store.nodes.values()) {
      const { id, value } = node.props;
      if (typeof id === "string" && value !== undefined && node.type !== "button" && node.type !== "downloadButton" && node.type !== "fileUploader")
        values[id] = edits.has(id) ? edits.get(id)! : value;
    }
    return values;
  };

  const pageName = (): string | undefined => decodeURIComponent(location.pathname.replace(/^\/+|\/+$/g, "")) || undefined;

  /** The session's query as a search string: every page's address carries it (the session keeps it across pages). */
  let sessionSearch = location.search;
  /** The address the query-bound widgets asked for, not yet in the address bar. */
  let pendingUrl: { path: string; search: string } | null = null;
  let urlTimer: ReturnType<typeof setTimeout> | undefined;
  const updateUrl = (): void => {
    clearTimeout(urlTimer);
    // (Not if the viewer went to another page meanwhile.)
    if (pendingUrl && pendingUrl.path === location.pathname && pendingUrl.search !== location.search)
      history.replaceState(null, "", `${location.pathname}${pendingUrl.search}${location.hash}`);
    pendingUrl = null;
  };

  /** The server said hello on this socket (pings go only then). */
  let greeted = false;
  const beat = new Heartbeat(
    (at) => {
      if (!greeted || socket?.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify({ t: "ping", at } satisfies ClientMessage));
      return true;
    },
    {
      silent: () => setUi({ connection: "reconnecting", running: false }),
      heard: () => {
        setUi({ connection: "connected" });
        for (const text of queue.splice(0)) socket?.send(text);
      },
      lost: () => {
        // Give the socket up without waiting for a close the server cannot send, and reconnect.
        const old = socket;
        if (!old) return;
        const closed = old.onclose;
        old.onclose = null;
        old.close();
        closed?.call(old, new CloseEvent("close", { code: 1006 }));
      },
    },
  );
  setInterval(() => beat.tick(), 1000);

  const handle = (message: ServerMessage): void => {
    switch (message.t) {
      case "hello":
        sessionStorage.setItem(sessionKey, message.session);
        hadSession = true;
        attempts = 0;
        setUi({ connection: "connected", pages: message.pages, page: pageName() ?? message.page, account: message.account ?? null });
        greeted = true;
        for (const text of queue.splice(0)) socket?.send(text);
        return;
      case "full":
        store.reset(message.version, message.nodes);
        return;
      case "patch":
        if (!store.apply(message.base, message.version, message.patch)) dash.send({ t: "resync" });
        return;
      case "status":
        if (message.status !== "running") finished++;
        if (message.status === "idle") edits.clear();
        setUi({ running: message.status === "running", ...(message.status === "idle" ? { scriptError: null } : {}) });
        // After the frame that shows the run's update (replaceState takes the page a few ms).
        if (message.status === "idle") requestAnimationFrame(() => setTimeout(updateUrl, 0));
        return;
      case "query": {
        // The address bar follows once the run's update is on screen (or after 300 ms): changing
        // the URL keeps the browser busy for a while, which should not delay the update.
        const search = new URLSearchParams(message.query).toString();
        pendingUrl = { path: location.pathname, search: search ? `?${search}` : "" };
        sessionSearch = pendingUrl.search;
        clearTimeout(urlTimer);
        urlTimer = setTimeout(updateUrl, 300);
        return;
      }
      case "toast":
        toast(message.message, "info", message.icon);
        return;
      case "warning":
        toast(message.message, "warning");
        return;
      case "buildError":
        setUi({ buildError: message.error });
        return;
      case "scriptError":
        setUi({ scriptError: message.error });
        return;
      case "typeError":
        setUi({ typeErrors: message.errors });
        return;
      case "uploadError":
        dash.uploadErrors.set(message.id, message.message);
        toast(message.message, "warning");
        return;
      case "pong":
        return;
    }
  };

  const connect = (): void => {
    const url = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/_dash/ws`;
    const ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    socket = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      beat.reset();
      greeted = false;
      const session = sessionStorage.getItem(sessionKey) ?? undefined;
      // (A query update not yet in the address bar is what the session has: a reconnect keeps it.)
      const search = pendingUrl?.path === location.pathname ? pendingUrl.search : location.search;
      const query = Object.fromEntries(new URLSearchParams(search));
      const hello: ClientMessage = { t: "hello", query, hidden: document.hidden };
      if (session) hello.session = session;
      if (hadSession) hello.version = store.version;
      const page = pageName();
      if (page) hello.page = page;
      if (hadSession) hello.widgets = widgetValues();
      else if (sessionStorage.getItem(restoreKey)) hello.widgets = JSON.parse(sessionStorage.getItem(restoreKey)!) as Record<string, Json>;
      sessionStorage.removeItem(restoreKey);
      ws.send(JSON.stringify(hello));
      options.afterHello?.();
    };
    ws.onmessage = (event) => {
      beat.heard();
      if (typeof event.data === "string") handle(JSON.parse(event.data) as ServerMessage);
      else {
        const frame = decodeBinary(new Uint8Array(event.data as ArrayBuffer));
        const header = frame?.header as BinaryHeader | undefined;
        if (frame && header?.kind === "data") for (const [hash, bytes] of splitData(header, frame.payload) ?? []) store.setData(hash, bytes);
      }
    };
    ws.onclose = (event) => {
      if (socket !== ws) return;
      // A limit the server enforces (too large, too many messages or sessions) says which.
      const said = `The server closed the connection: ${event.reason || "policy"}`;
      if ((event.code === 1008 || event.code === 1009) && !ui.toasts.some((t) => t.message === said)) toast(said, "warning");
      setUi({ connection: "reconnecting", running: false });
      if (!opened) void signInAgainIfRefused();
      // 1012: the server is draining (a deploy): another one takes the session over, so come back
      // at once, spread over half a second so that its viewers do not all arrive together.
      // 4001: the session moved to another tab or server: start afresh, with the values shown.
      if (event.code === 4001) sessionStorage.removeItem(sessionKey);
      const delay = event.code === 1012 || event.code === 4001 ? Math.random() * 500 : Math.min(5000, 200 * 2 ** attempts++) * (0.75 + Math.random() * 0.5);
      setTimeout(connect, delay);
    };
  };
  /**
   * A WebSocket that never opened may have been refused for its sign-in (a proxy's token or the
   * sign-in cookie expired): a browser does not say why, so ask with a plain request. Refused: keep
   * the widget values and reload, which goes through sign-in and comes back to this URL.
   */
  const signInAgainIfRefused = async (): Promise<void> => {
    const response = await fetch("/_dash/auth/check", { method: "HEAD", cache: "no-store", redirect: "manual" }).catch(() => null);
    if (response?.status !== 401 && response?.status !== 403) return;
    const last = Number(sessionStorage.getItem("dash.reloaded") ?? 0);
    if (Date.now() - last < 10_000) return; // reloaded a moment ago: do not loop
    sessionStorage.setItem("dash.reloaded", String(Date.now()));
    if (hadSession) sessionStorage.setItem(restoreKey, JSON.stringify(widgetValues()));
    location.reload();
  };
  connect();

  document.addEventListener("visibilitychange", () => dash.send({ t: "visibility", hidden: document.hidden }));
  window.addEventListener("online", () => {
    if (socket && socket.readyState !== WebSocket.OPEN) {
      attempts = 0;
      socket.close();
    }
  });

  const useUi = (): Ui => {
    const [, set] = useState(0);
    useEffect(() => {
      const listener = (): void => set((n) => n + 1);
      uiListeners.add(listener);
      return () => uiListeners.delete(listener);
    }, []);
    return ui;
  };

  /**
   * One node of the page. It re-renders only when a patch touches it (its own subscription) or
   * its id changes, never because an ancestor re-rendered: a status change or a new sibling costs
   * nothing for the rest of the page.
   */
  /** What a data element drawn from a failing source's last good data says (see `staleProp`). */
  function staleData(mark: Json | undefined): string | undefined {
    if (!mark || typeof mark !== "object" || Array.isArray(mark)) return undefined;
    const date = new Date(Number(mark.lastSuccess));
    const time = date.toDateString() === new Date().toDateString() ? date.toLocaleTimeString() : date.toLocaleString();
    return `Stale data from ${String(mark.source)}, last updated ${time}: ${String(mark.error)}. Retrying.`;
  }

  class NodeView extends Component<{ id: number }> {
    private unsubscribe: (() => void) | null = null;
    override componentDidMount(): void {
      this.unsubscribe = store.subscribe(this.props.id, () => this.forceUpdate());
    }
    override componentWillUnmount(): void {
      this.unsubscribe?.();
    }
    override shouldComponentUpdate(next: { id: number }): boolean {
      return next.id !== this.props.id;
    }
    override render() {
      const { id } = this.props;
      const node = store.nodes.get(id);
      if (!node) return null;
      const Render = renderers[node.type] ?? Unknown;
      const children = (node.children ?? []).map((child) => <NodeView key={child} id={child} />);
      const stale = node.props.$stale === true;
      const old = staleData(node.props.$dataStale);
      return (
        <div
          class={`dash-el el-${node.type}${stale ? " dash-stale" : ""}${old ? " dash-data-stale" : ""}`}
          data-node={id}
          aria-busy={stale || undefined}
          title={old}
          aria-description={old}
        >
          <Render id={id} node={node} children={children} />
        </div>
      );
    }
  }

  /** The signed-in viewer's menu: who they are, and "Sign out" when the sign-in mode has one. */
  const AccountMenu: FunctionComponent<{ account: Account }> = ({ account }) => {
    const [open, setOpen] = useState(false);
    useEffect(() => {
      if (!open) return;
      const close = (event: Event): void => {
        if (!(event.target instanceof Element && event.target.closest(".dash-menu"))) setOpen(false);
      };
      const escape = (event: KeyboardEvent): void => {
        if (event.key === "Escape") setOpen(false);
      };
      document.addEventListener("click", close);
      document.addEventListener("keydown", escape);
      return () => {
        document.removeEventListener("click", close);
        document.removeEventListener("keydown", escape);
      };
    }, [open]);
    return (
      <div class="dash-menu">
        <button type="button" class="dash-menu-button" aria-haspopup="true" aria-expanded={open} aria-label="Menu" onClick={() => setOpen(!open)}>
          <span class="dash-avatar" aria-hidden="true">
            {(account.name || account.email).charAt(0).toUpperCase()}
          </span>
        </button>
        {open ? (
          <div class="dash-menu-list" role="menu">
            <div class="dash-menu-who">
              <strong>{account.name}</strong>
              {account.email && account.email !== account.name ? <span>{account.email}</span> : null}
            </div>
            {account.signOut ? (
              <a role="menuitem" href={account.signOut}>
                Sign out
              </a>
            ) : null}
          </div>
        ) : null}
      </div>
    );
  };

  const Unknown: Renderer = ({ node }) => <div class="dash-unknown">Unknown element “{node.type}”</div>;

  const ErrorBanner: FunctionComponent<{ title: string; error: ErrorInfo }> = ({ title, error }) => (
    <div class="dash-banner" role="alert">
      <strong>{title}</strong>
      {error.file ? (
        <div class="dash-banner-where">
          {error.file}
          {error.line ? `:${error.line}` : ""}
          {error.column ? `:${error.column}` : ""}
        </div>
      ) : null}
      <pre>{error.message}</pre>
      {error.frame ? <pre class="dash-banner-frame">{error.frame}</pre> : null}
    </div>
  );

  const Root: FunctionComponent = () => {
    const state = useUi();
    const root = useNode(0);
    const { store: s } = useDash();
    const sidebarId = root?.children?.[0];
    const mainId = root?.children?.[1];
    const sidebar = sidebarId !== undefined ? s.nodes.get(sidebarId) : undefined;
    useNode(sidebarId ?? -1);
    const props = root?.props ?? {};
    const [collapsed, setCollapsed] = useState<boolean | null>(null);
    const isCollapsed = collapsed ?? (props.sidebar === "collapsed" || window.innerWidth < 700);
    const pageTitle = state.pages.find((p) => p.name === state.page)?.title;
    useEffect(() => {
      document.title = String(props.title ?? pageTitle ?? "dash");
    }, [props.title, pageTitle]);
    useEffect(() => {
      if (typeof props.icon !== "string") return;
      // An emoji (or short text) as the tab's icon, drawn once into a PNG. (An SVG icon would be
      // parsed again as a document each time the URL changes, as query-bound widgets make it.)
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = 64;
      const ctx = canvas.getContext("2d");
      if (!ctx) return;
      ctx.font = "56px sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText(props.icon, 32, 36);
      let link = document.querySelector<HTMLLinkElement>("link[rel=icon]");
      if (!link) {
        link = document.createElement("link");
        link.rel = "icon";
        document.head.append(link);
      }
      link.href = canvas.toDataURL("image/png");
    }, [props.icon]);
    const hasSidebar = (sidebar?.children?.length ?? 0) > 0 || state.pages.length > 1;
    const navigate =
      (page: PageInfo) =>
      (event: Event): void => {
        event.preventDefault();
        history.pushState(null, "", `${page.path}${sessionSearch}`);
        setUi({ page: page.name });
        dash.send({ t: "nav", page: page.name });
      };
    return (
      <div
        class={`dash-app layout-${props.layout === "wide" ? "wide" : "centered"}${hasSidebar ? " has-sidebar" : ""}${isCollapsed ? " sidebar-collapsed" : ""}`}
      >
        {hasSidebar ? (
          <aside class="dash-sidebar" aria-label="Sidebar" hidden={isCollapsed}>
            {state.pages.length > 1 ? (
              <nav class="dash-pages" aria-label="Pages">
                {state.pages.map((page) => {
                  // The page being shown gives its icon as it runs; the others as the server read it.
                  const icon = page.name === state.page && typeof props.icon === "string" ? props.icon : page.icon;
                  return (
                    <a href={page.path} aria-current={page.name === state.page ? "page" : undefined} onClick={navigate(page)}>
                      {icon ? (
                        <span class="dash-page-icon" aria-hidden="true">
                          {icon}
                        </span>
                      ) : null}
                      {page.title}
                    </a>
                  );
                })}
              </nav>
            ) : null}
            {sidebarId !== undefined ? <NodeView id={sidebarId} /> : null}
          </aside>
        ) : null}
        <div class="dash-body">
          <header class="dash-topbar">
            {hasSidebar ? (
              <button
                type="button"
                class="dash-sidebar-toggle"
                aria-expanded={!isCollapsed}
                aria-label={isCollapsed ? "Open sidebar" : "Close sidebar"}
                onClick={() => setCollapsed(!isCollapsed)}
              >
                {isCollapsed ? "☰" : "⟨"}
              </button>
            ) : null}
            <span class="dash-spacer" />
            {state.running ? (
              <span class="dash-running" role="status">
                <span class="dash-spin" aria-hidden="true" /> Running…
              </span>
            ) : null}
            <span class={`dash-connection ${state.connection}`} role="status" aria-live="polite" title={state.connection}>
              <span class="dash-dot" aria-hidden="true" />
              {state.connection === "connected" ? "Connected" : state.connection === "connecting" ? "Connecting…" : "Reconnecting…"}
            </span>
            {state.account ? <AccountMenu account={state.account} /> : null}
          </header>
          <main class="dash-main">
            {state.buildError ? <ErrorBanner title="The script has an error" error={state.buildError} /> : null}
            {state.scriptError ? <ErrorBanner title="The script was stopped" error={state.scriptError} /> : null}
            {state.typeErrors.slice(0, 3).map((error) => (
              <ErrorBanner title="Type error" error={error} />
            ))}
            {mainId !== undefined ? <NodeView id={mainId} /> : null}
          </main>
        </div>
        <div class="dash-toasts" aria-live="polite">
          {state.toasts.map((t) => (
            <div key={t.id} class={`dash-toast ${t.kind}`} role={t.kind === "warning" ? "alert" : "status"}>
              {t.icon ? <span aria-hidden="true">{t.icon} </span> : null}
              {t.message}
            </div>
          ))}
        </div>
      </div>
    );
  };

  window.addEventListener("popstate", () => {
    // An older entry's query is not the session's any more: the address bar shows the session's.
    if (location.search !== sessionSearch) history.replaceState(history.state, "", `${location.pathname}${sessionSearch}${location.hash}`);
    const name = pageName() ?? ui.pages[0]?.name;
    if (name) {
      setUi({ page: name });
      dash.send({ t: "nav", page: name });
    }
  });

  render(
    <DashContext.Provider value={dash}>
      <Root />
    </DashContext.Provider>,
    document.getElementById("app")!,
  );
}
