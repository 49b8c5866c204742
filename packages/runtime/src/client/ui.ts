/**
 * What the page shows besides the script's output: the connection, whether a run is going, the
 * script's errors, toasts, the pages and the signed-in viewer. Components redraw when it changes.
 */
import { useEffect, useState } from "preact/hooks";
import type { Account, ErrorInfo, PageInfo } from "../protocol.ts";

export type ConnectionState = "connecting" | "connected" | "reconnecting";

export interface Ui {
  connection: ConnectionState;
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

export class UiState {
  current: Ui = {
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
  private listeners = new Set<() => void>();
  private toastId = 0;

  set(change: Partial<Ui>): void {
    // Nothing to redraw when nothing changed (a quick run's "idle" after a patch, say).
    if (Object.entries(change).every(([key, value]) => this.current[key as keyof Ui] === value)) return;
    this.current = { ...this.current, ...change };
    for (const listener of this.listeners) listener();
  }

  toast(message: string, kind: "info" | "warning", icon?: string): void {
    const id = ++this.toastId;
    this.set({ toasts: [...this.current.toasts, { id, message, icon, kind }].slice(-4) });
    setTimeout(() => this.set({ toasts: this.current.toasts.filter((t) => t.id !== id) }), kind === "warning" ? 6000 : 4000);
  }

  /** A hook: the state now, and a redraw of the calling component whenever it changes. */
  use(): Ui {
    const [, set] = useState(0);
    useEffect(() => {
      const listener = (): void => set((n) => n + 1);
      this.listeners.add(listener);
      return () => this.listeners.delete(listener);
    }, []);
    return this.current;
  }
}
