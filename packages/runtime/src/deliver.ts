/**
 * What the workers send to browsers, onto their sockets: one text to one session, one text to
 * many (sessions that adopted one shared run: encoded once for all their sockets), a binary data
 * frame, and a batch (what a worker posted in one turn: each socket it reaches holds its writes
 * until the turn ends, so a run's data frames and its patch leave in one write).
 */
import type { FromWorker } from "./thread.ts";

/**
 * One text that many sockets are sent alike, encoded once. The socket writer frames it once too
 * (`framed`, filled by the first socket that sends it), and knows two sockets were sent the same
 * text by its identity.
 */
export class SharedText {
  framed: Buffer | undefined = undefined;
  constructor(readonly bytes: Buffer) {}
}

export interface Client {
  /** A text frame: a string for this socket alone, or a text many sockets are sent alike. */
  sendText(text: string | SharedText): void;
  sendBinary(frame: Uint8Array): void;
  /** Close the socket (a session taken over elsewhere; a drain). */
  close?(code: number, reason: string): void;
  /** Hold what is sent until the end of this turn, then write it to the socket at once (again: nothing more). */
  hold?(): void;
}

/** The browser of a session, if one is connected. */
export type ClientOf = (sid: string) => Client | null | undefined;

export type Delivery = Extract<FromWorker, { t: "send" | "sendMany" | "binary" }>;

/**
 * Writes a worker's message to its sockets. `held` (a message of a batch): each socket is held
 * before it is written, so all the batch sends it leaves in one write when the turn ends.
 */
export function deliver(message: Delivery, clientOf: ClientOf, held = false): void {
  switch (message.t) {
    case "send": {
      const client = clientOf(message.sid);
      if (held) client?.hold?.();
      client?.sendText(message.text);
      return;
    }
    case "sendMany": {
      const text = new SharedText(Buffer.from(message.text)); // encoded once for every socket
      for (const sid of message.sids) {
        const client = clientOf(sid);
        if (!client) continue;
        if (held) client.hold?.();
        client.sendText(text);
      }
      return;
    }
    case "binary": {
      const client = clientOf(message.sid);
      if (held) client?.hold?.();
      client?.sendBinary(message.frame);
      return;
    }
  }
}
