/**
 * What the workers send to browsers, onto their sockets: one text to one session, one text to
 * many (sessions that adopted one shared run: encoded once for all their sockets), a binary data
 * frame, and a batch (what a worker posted in one turn: each socket it reaches holds its writes
 * until the end of the batch, so a run's data frames and its patch leave in one write).
 */
import type { FromWorker } from "./thread.ts";

export interface Client {
  /** A text frame (a string, or its UTF-8 bytes when one text goes to many sockets). */
  sendText(text: string | Buffer): void;
  sendBinary(frame: Uint8Array): void;
  /** Close the socket (a session taken over elsewhere; a drain). */
  close?(code: number, reason: string): void;
  /** Hold what is sent until the end of this turn, then write it to the socket at once. */
  hold?(): void;
}

/** The browser of a session, if one is connected. */
export type ClientOf = (sid: string) => Client | null | undefined;

export type Delivery = Extract<FromWorker, { t: "send" | "sendMany" | "binary" }>;

export function deliver(message: Delivery, clientOf: ClientOf): void {
  switch (message.t) {
    case "send":
      clientOf(message.sid)?.sendText(message.text);
      return;
    case "sendMany": {
      const bytes = Buffer.from(message.text); // encoded once for every socket
      for (const sid of message.sids) clientOf(sid)?.sendText(bytes);
      return;
    }
    case "binary":
      clientOf(message.sid)?.sendBinary(message.frame);
      return;
  }
}

/** Before a batch is handled: every socket it writes to holds its writes (once each) until the turn ends. */
export function holdFor(messages: readonly FromWorker[], clientOf: ClientOf): void {
  const held = new Set<Client>();
  for (const item of messages) {
    for (const sid of "sid" in item ? [item.sid] : item.t === "sendMany" ? item.sids : []) {
      const client = clientOf(sid);
      if (client && !held.has(client)) {
        held.add(client);
        client.hold?.();
      }
    }
  }
}
