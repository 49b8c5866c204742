import { describe, expect, it } from "vitest";
import { deliver, SharedText, type Client } from "../../../packages/runtime/src/deliver.ts";

/** A socket that records what it is told, in order. */
function socket(log: string[], name: string): Client {
  return {
    sendText: (text) => log.push(`${name} text ${typeof text === "string" ? text : `shared:${text.bytes.toString()}`}`),
    sendBinary: (frame) => log.push(`${name} binary ${frame.length}`),
    hold: () => log.push(`${name} hold`),
  };
}

describe("delivering a worker's output to sockets", () => {
  it("sends a text to its session's socket, a binary frame as binary, and nothing to a session with no browser", () => {
    const log: string[] = [];
    const clients = new Map([["a", socket(log, "A")]]);
    const clientOf = (sid: string) => clients.get(sid);
    deliver({ t: "send", sid: "a", text: "hi", kind: "patch" }, clientOf);
    deliver({ t: "send", sid: "gone", text: "lost", kind: "patch" }, clientOf);
    deliver({ t: "binary", sid: "a", frame: new Uint8Array(3) }, clientOf);
    expect(log).toEqual(["A text hi", "A binary 3"]);
  });

  it("one text for many sessions is encoded once: every socket gets the same bytes", () => {
    const sent: (string | SharedText)[] = [];
    const client: Client = { sendText: (text) => sent.push(text), sendBinary: () => {} };
    deliver({ t: "sendMany", sids: ["a", "b", "c"], text: "patch", kind: "patch" }, (sid) => (sid === "c" ? null : client));
    expect(sent).toHaveLength(2);
    expect(sent[0]).toBeInstanceOf(SharedText);
    expect(sent[0]).toBe(sent[1]);
    expect((sent[0] as SharedText).bytes.toString()).toBe("patch");
  });

  it("a batch's messages hold each socket before writing to it (hold is once per turn: the outbox ignores a second)", () => {
    const log: string[] = [];
    const clients = new Map([
      ["a", socket(log, "A")],
      ["b", socket(log, "B")],
    ]);
    const clientOf = (sid: string) => clients.get(sid);
    deliver({ t: "binary", sid: "a", frame: new Uint8Array(1) }, clientOf, true);
    deliver({ t: "send", sid: "a", text: "p", kind: "patch" }, clientOf, true);
    deliver({ t: "sendMany", sids: ["a", "b", "x"], text: "q", kind: "patch" }, clientOf, true);
    expect(log).toEqual(["A hold", "A binary 1", "A hold", "A text p", "A hold", "A text shared:q", "B hold", "B text shared:q"]);
    log.length = 0;
    deliver({ t: "send", sid: "b", text: "alone", kind: "patch" }, clientOf);
    expect(log).toEqual(["B text alone"]); // not in a batch: written at once
  });
});
