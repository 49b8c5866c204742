/**
 * The browser side: one WebSocket to the server (`connection.ts`), the page store it patches
 * (`store.ts`), and the Preact tree that draws the store (`view.tsx`) with the widgets' renderers.
 * Reconnects with backoff and resumes the same session when it can.
 */
import { render, type ComponentChildren, type FunctionComponent } from "preact";
import type { WireNode } from "../protocol.ts";
import { connect } from "./connection.ts";
import { DashContext } from "./context.ts";
import { Store } from "./store.ts";
import { UiState } from "./ui.ts";
import { pageView } from "./view.tsx";

export interface RendererProps {
  id: number;
  node: WireNode;
  children: ComponentChildren[];
}
export type Renderer = FunctionComponent<RendererProps>;

/** Start the client: connect, and draw the page into `#app`. */
export interface MountOptions {
  /** Called each time the page has asked the server for its page (the WebSocket opened and the
   * hello is sent): a moment to load what the page will need while the server runs the script. */
  afterHello?: () => void;
}

export function mount(renderers: Record<string, Renderer>, options: MountOptions = {}): void {
  const store = new Store();
  const ui = new UiState();
  const connection = connect(store, ui, options);
  const { dash } = connection;
  // For tests: the store, the UI state, the socket, and how many runs have finished.
  (window as unknown as { __dash: unknown }).__dash = {
    store,
    ui: () => ui.current,
    send: dash.send,
    socket: connection.socket,
    finished: connection.finished,
  };
  const Root = pageView(store, renderers, ui, (page) => connection.go(page));
  render(
    <DashContext.Provider value={dash}>
      <Root />
    </DashContext.Provider>,
    document.getElementById("app")!,
  );
}
