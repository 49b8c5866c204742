// A stand-in script worker for workers.test.ts: it speaks the thread protocol (thread.ts) with
// no app in it. It beats like the real one; "freeze" blocks its thread for good (the watchdog's
// case); "grow" fills its heap until it runs out of memory; "fetch" answers for the keys a "hold:<key>" click gave it.
import { parentPort, workerData } from "node:worker_threads";

const beat = new Int32Array(workerData.beat);
setInterval(() => Atomics.add(beat, 0, 1), 20);
const hoard = [];
const fetchers = new Set();
parentPort.on("message", (message) => {
  switch (message.t) {
    case "load":
      parentPort.postMessage({ t: "loaded", error: message.defaultPage === "broken" ? { name: "SyntaxError", message: "broken" } : null });
      return;
    case "fetch":
      parentPort.postMessage(
        fetchers.has(message.key)
          ? { t: "fetched", id: message.id, value: `${message.key} from ${workerData.appFolder}` }
          : { t: "fetched", id: message.id, error: "no fetcher", missing: true },
      );
      return;
    case "message":
      Atomics.store(beat, 1, message.seq); // the slot of the session running: the test uses seq
      Atomics.store(beat, 2, message.seq);
      if (message.message.t === "click" && message.message.id === "freeze") for (;;);
      if (message.message.t === "click" && message.message.id === "grow") for (;;) hoard.push(new Array(100_000).fill(hoard.length));
      if (message.message.t === "click" && message.message.id.startsWith("hold:")) fetchers.add(message.message.id.slice(5));
      if (message.message.t === "click" && message.message.id === "ask")
        parentPort.postMessage({ t: "request", id: 7, sid: message.sid, what: "pollFailed", args: { key: "k", error: "e" } });
      return;
    case "reply":
      parentPort.postMessage({ t: "log", line: `reply ${JSON.stringify(message)}` });
      return;
  }
});
parentPort.postMessage({ t: "ready" });
