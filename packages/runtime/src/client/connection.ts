/**
 * The page's one WebSocket to the server: the hello (resuming the session, or giving a server
 * that lost it the widget values shown), the server's messages into the store and the UI state,
 * the heartbeat, reconnecting with backoff, and the address bar (query-bound widgets, pages).
 */
import type { BinaryHeader, ClientMessage, Json, PageInfo, ServerMessage } from "../protocol.ts";
import { decodeBinary, splitData } from "../protocol.ts";
import type { MountOptions } from "./app.tsx";
import type { Dash } from "./context.ts";
import { Heartbeat } from "./heartbeat.ts";
import type { Store } from "./store.ts";
import type { UiState } from "./ui.ts";

const sessionKey = "dash.session";
/** Widget values kept across a reload to sign in again (a sign-in that expired). */
const restoreKey = "dash.restore";

export interface Connection {
  dash: Dash;
  socket(): WebSocket | null;
  /** Runs the server said were over (tests wait for the first: content can show before it ends). */
  finished(): number;
  /** Go to another page of the app, as its link in the sidebar does. */
  go(page: PageInfo): void;
}

/** Connect to the server (and reconnect whenever the socket is lost). */
export function connect(store: Store, ui: UiState, options: MountOptions): Connection {
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
      if (socket?.readyState === WebSocket.OPEN && ui.current.connection === "connected") socket.send(text);
      else if (message.t !== "ping") queue.push(text);
    },
    sendBinary(frame: Uint8Array): void {
      if (socket?.readyState === WebSocket.OPEN) socket.send(frame);
    },
  };
  /** Runs the server said were over. */
  let finished = 0;

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
      silent: () => ui.set({ connection: "reconnecting", running: false }),
      heard: () => {
        ui.set({ connection: "connected" });
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
      case "hello": {
        // A server that no longer had this page's session (it restarted without Redis, or the
        // session expired) started a new one from the widget values shown: dash.state is gone.
        // (After a 4001 the page itself dropped its session: no news to the viewer.)
        const before = sessionStorage.getItem(sessionKey);
        const lost = hadSession && before !== null && before !== message.session;
        if (lost)
          ui.toast(
            "The server no longer had this page's session (a restart, or a long time away): the widgets were restored, and dash.state started over.",
            "warning",
          );
        sessionStorage.setItem(sessionKey, message.session);
        hadSession = true;
        attempts = 0;
        ui.set({ connection: "connected", pages: message.pages, page: pageName() ?? message.page, account: message.account ?? null });
        greeted = true;
        for (const text of queue.splice(0)) socket?.send(text);
        return;
      }
      case "full":
        store.reset(message.version, message.nodes);
        return;
      case "patch":
        if (!store.apply(message.base, message.version, message.patch)) dash.send({ t: "resync" });
        return;
      case "status":
        if (message.status !== "running") finished++;
        if (message.status === "idle") edits.clear();
        ui.set({ running: message.status === "running", ...(message.status === "idle" ? { scriptError: null } : {}) });
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
        ui.toast(message.message, "info", message.icon);
        return;
      case "warning":
        ui.toast(message.message, "warning");
        return;
      case "buildError":
        ui.set({ buildError: message.error });
        return;
      case "scriptError":
        ui.set({ scriptError: message.error });
        return;
      case "typeError":
        ui.set({ typeErrors: message.errors });
        return;
      case "uploadError":
        dash.uploadErrors.set(message.id, message.message);
        ui.toast(message.message, "warning");
        return;
      case "pong":
        return;
    }
  };

  const open = (): void => {
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
      if ((event.code === 1008 || event.code === 1009) && !ui.current.toasts.some((t) => t.message === said)) ui.toast(said, "warning");
      ui.set({ connection: "reconnecting", running: false });
      if (!opened) void signInAgainIfRefused();
      // 1012: the server is draining (a deploy): another one takes the session over, so come back
      // at once, spread over half a second so that its viewers do not all arrive together.
      // 4001: the session moved to another tab or server: start afresh, with the values shown.
      if (event.code === 4001) sessionStorage.removeItem(sessionKey);
      const delay = event.code === 1012 || event.code === 4001 ? Math.random() * 500 : Math.min(5000, 200 * 2 ** attempts++) * (0.75 + Math.random() * 0.5);
      setTimeout(open, delay);
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
  open();

  document.addEventListener("visibilitychange", () => dash.send({ t: "visibility", hidden: document.hidden }));
  window.addEventListener("online", () => {
    if (socket && socket.readyState !== WebSocket.OPEN) {
      attempts = 0;
      socket.close();
    }
  });

  window.addEventListener("popstate", () => {
    // An older entry's query is not the session's any more: the address bar shows the session's.
    if (location.search !== sessionSearch) history.replaceState(history.state, "", `${location.pathname}${sessionSearch}${location.hash}`);
    const name = pageName() ?? ui.current.pages[0]?.name;
    if (name) {
      ui.set({ page: name });
      dash.send({ t: "nav", page: name });
    }
  });

  return {
    dash,
    socket: () => socket,
    finished: () => finished,
    go(page: PageInfo): void {
      history.pushState(null, "", `${page.path}${sessionSearch}`);
      ui.set({ page: page.name });
      dash.send({ t: "nav", page: page.name });
    },
  };
}
