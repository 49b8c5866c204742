/**
 * A viewer at the protocol level: a `ws` client that says hello as the browser does, keeps the
 * page in the browser's own `Store`, and lets a test set widgets and wait for what the page shows.
 */
import WebSocket from "ws";
import { Store } from "../../packages/runtime/src/client/store.ts";
import type { ClientMessage, Json, ServerMessage } from "../../packages/runtime/src/protocol.ts";

export class Viewer {
  readonly store = new Store();
  session = "";
  resumed = false;
  /** The close code, once the server closed the socket. */
  closed: number | null = null;
  readonly messages: ServerMessage[] = [];
  private waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data, binary) => {
      if (binary) return;
      const message = JSON.parse(String(data)) as ServerMessage;
      this.messages.push(message);
      if (message.t === "hello") {
        this.session = message.session;
        this.resumed = message.resumed;
      }
      if (message.t === "full") this.store.reset(message.version, message.nodes);
      if (message.t === "patch" && !this.store.apply(message.base, message.version, message.patch)) this.send({ t: "resync" });
      this.changed();
    });
    ws.on("close", (code) => {
      this.closed = code;
      this.changed();
    });
  }

  /** Open a socket to a dash server (or a balancer in front) and say hello. */
  static open(url: string, hello: Omit<Extract<ClientMessage, { t: "hello" }>, "t"> = {}, headers: Record<string, string> = {}): Promise<Viewer> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url.replace(/^http/, "ws")}/_dash/ws`, { origin: url, perMessageDeflate: false, headers });
      const viewer = new Viewer(ws);
      ws.once("open", () => {
        ws.send(JSON.stringify({ t: "hello", query: {}, ...hello }));
        resolve(viewer);
      });
      ws.once("error", reject);
    });
  }

  /** Come back on another server, as the browser does after a dropped socket. */
  reconnect(url: string, headers?: Record<string, string>): Promise<Viewer> {
    return Viewer.open(url, { session: this.session, version: this.store.version, widgets: this.widgets() }, headers);
  }

  private changed(): void {
    for (const waiter of this.waiters) waiter();
  }

  send(message: ClientMessage): void {
    this.ws.send(JSON.stringify(message));
  }

  set(id: string, value: Json): void {
    this.send({ t: "set", id, value });
  }

  /** The page as text: every node's props, for `toContain`. */
  page(): string {
    return JSON.stringify([...this.store.nodes.values()].map((node) => node.props));
  }

  widgets(): Record<string, Json> {
    const values: Record<string, Json> = {};
    for (const node of this.store.nodes.values()) {
      const { id, value } = node.props;
      if (typeof id === "string" && value !== undefined && node.type !== "button") values[id] = value;
    }
    return values;
  }

  /** Resolves once `check` holds (checked on each message), or fails after `timeout` ms. */
  until(check: () => boolean, what: string, timeout = 15_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out waiting for ${what}; page: ${this.page()}`));
      }, timeout);
      this.waiters.add(waiter);
    });
  }

  shows(text: string, timeout?: number): Promise<void> {
    return this.until(() => this.page().includes(text), `the page to show ${JSON.stringify(text)}`, timeout);
  }

  close(): void {
    this.ws.close();
  }
}
