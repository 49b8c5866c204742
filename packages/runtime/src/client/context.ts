/**
 * What element renderers get from the page: the store, a way to talk to the server, and the form
 * they sit in. Renderers use the hooks here and never touch the socket directly.
 */
import { createContext } from "preact";
import { useContext, useEffect, useReducer, useRef, useState } from "preact/hooks";
import type { ClientMessage, Json, WireNode } from "../protocol.ts";
import type { Store } from "./store.ts";

export interface FormState {
  id: string;
  edits: Map<string, Json>;
  /** Increments on submit with clearOnSubmit, so widgets drop their local edits. */
  generation: number;
}

export interface Dash {
  store: Store;
  send(message: ClientMessage): void;
  sendBinary(frame: Uint8Array): void;
  /** Upload errors etc. reported by the server, by widget id. */
  uploadErrors: Map<string, string>;
}

export const DashContext = createContext<Dash>(null as unknown as Dash);
export const FormContext = createContext<FormState | null>(null);

export function useDash(): Dash {
  return useContext(DashContext);
}

/** The node with this id, re-rendering when a patch touches it. */
export function useNode(id: number): WireNode | undefined {
  const { store } = useDash();
  const [, bump] = useReducer((n: number, _: void) => n + 1, 0);
  useEffect(() => store.subscribe(id, () => bump()), [store, id]);
  return store.nodes.get(id);
}

/**
 * A widget's value in the browser: shown at once when the viewer changes it, sent to the server
 * (or held by the enclosing form until submit), and replaced whenever the server sends a new one.
 */
export function useWidget<T extends Json>(props: { id: string; value: T; form?: string }): [T, (value: T) => void, (value: T) => void] {
  const { send } = useDash();
  const form = useContext(FormContext);
  const server = props.value;
  const id = props.id;
  const [local, setLocal] = useState<{ value: T; server: Json; generation: number }>({ value: server, server, generation: form?.generation ?? 0 });
  // Values sent and not yet echoed back by a run: while the viewer is ahead of the server (quick
  // key presses on a slider), the echo of an older value must not pull the widget back.
  const inflight = useRef<string[]>([]);
  let value = local.value;
  if (local.server !== server && JSON.stringify(local.server) !== JSON.stringify(server)) {
    const echo = inflight.current.indexOf(JSON.stringify(server));
    if (echo >= 0 && echo < inflight.current.length - 1) {
      // An echo of an edit we already moved past: keep showing the newer local value.
      inflight.current = inflight.current.slice(echo + 1);
      setLocal({ value: local.value, server, generation: local.generation });
    } else {
      // The server moved on (a rerun, a clamp, state set by code), or caught up: it wins.
      inflight.current = [];
      value = server;
      setLocal({ value: server, server, generation: local.generation });
    }
  } else if (form && form.generation !== local.generation) {
    value = server;
    setLocal({ value: server, server, generation: form.generation });
  }
  const show = (next: T): void => setLocal({ value: next, server, generation: form?.generation ?? 0 });
  const commit = (next: T): void => {
    show(next);
    if (form && props.form === form.id) form.edits.set(id, next);
    else {
      inflight.current = [...inflight.current.slice(-20), JSON.stringify(next)];
      send({ t: "set", id, value: next });
    }
  };
  return [value, show, commit];
}
