// Hostile WebSocket traffic for the fuzz bench (bench/fuzz.bench.ts) and its bounded CI twin
// (test/e2e/fuzz.test.ts): a seeded generator of malformed messages, and a fuzzing client that
// keeps `count` messages going over `sockets` connections, reconnecting whenever the server
// closes one (as it should, for oversized frames, bad UTF-8, too many invalid messages…).
import WebSocket from "ws";

/** A small seeded PRNG (mulberry32): the same seed gives the same messages. */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ids = ["button:Click me", "slider:Count", "key:name", "nope", "", "x".repeat(600), "__proto__", "constructor"];
const pick = (rand, list) => list[Math.floor(rand() * list.length)];
const bytes = (rand, n) => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
const nest = (depth, inner) => "[".repeat(depth) + inner + "]".repeat(depth);
const frame = (header, payload = Buffer.alloc(0), lengthField) => {
  const head = Buffer.from(header);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(lengthField ?? head.length);
  return Buffer.concat([length, head, payload]);
};
const validMessages = [
  { t: "set", id: "slider:Count", value: 4 },
  { t: "click", id: "button:Click me" },
  { t: "submit", form: "f", values: { a: 1 } },
  { t: "nav", page: "app" },
  { t: "visibility", hidden: false },
  { t: "resync" },
  { t: "clearUpload", id: "u" },
];

/** Kinds of hostile message, each a function of the PRNG → { data, binary }. */
export const kinds = {
  randomBytes: (rand) => ({ data: bytes(rand, 1 + Math.floor(rand() * 512)), binary: rand() < 0.5 }),
  notJson: (rand) => ({ data: bytes(rand, 64).toString("base64"), binary: false }),
  badUtf8: () => ({ data: Buffer.from([0x7b, 0xff, 0xfe, 0xc0, 0x80, 0x7d]), binary: false }), // ws closes with 1007
  truncated: (rand) => {
    const text = JSON.stringify(pick(rand, validMessages));
    return { data: text.slice(0, Math.floor(rand() * text.length)), binary: false };
  },
  mutated: (rand) => {
    const message = { ...pick(rand, validMessages) };
    const key = pick(rand, ["t", "id", "value", "values", "form", "page", "hidden", "at"]);
    message[key] = pick(rand, [null, 0, -1, true, [], {}, "", "🙂", { a: [1, { b: null }] }, 1e308, -1e308, "x".repeat(300)]);
    return { data: JSON.stringify(message), binary: false };
  },
  hugeNumbers: (rand) => ({
    data: `{"t":"set","id":"${pick(rand, ids.slice(0, 3))}","value":${pick(rand, ["1e999", "-1e999", "1e308", "-0", "9007199254740993", "0.1e-400", "123456789012345678901234567890"])}}`,
    binary: false,
  }),
  // Mostly 1–200 deep (the edge refuses past 64); one in ten the probe's 800 or the 10,000 that once ended the server.
  deep: (rand) => {
    const depth = rand() < 0.1 ? pick(rand, [800, 10_000]) : 1 + Math.floor(rand() * 200);
    return { data: `{"t":"set","id":"${pick(rand, ["slider:Count", "x"])}","value":${nest(depth, "1")}}`, binary: false };
  },
  bigString: (rand) => ({ data: JSON.stringify({ t: "set", id: "key:name", value: "x".repeat(rand() < 0.5 ? 1_000_000 : 100_000) }), binary: false }),
  unknownIds: (rand) => ({
    data: JSON.stringify(rand() < 0.5 ? { t: "click", id: `nope:${rand()}` } : { t: "set", id: pick(rand, ids), value: rand() }),
    binary: false,
  }),
  proto: (rand) => ({
    data: pick(rand, [
      '{"t":"set","id":"__proto__","value":{"__proto__":{"polluted":1}}}',
      '{"t":"submit","form":"f","values":{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}}',
      '{"__proto__":{"t":"click"},"t":"click","id":"button:Click me","constructor":1}',
      '{"t":"hello","query":{"__proto__":"x","constructor":"y"},"widgets":{"__proto__":{"polluted":1}}}',
    ]),
    binary: false,
  }),
  badBinary: (rand) => ({
    data: pick(rand, [
      frame('{"kind":"upload"'), // bad JSON
      frame("{}", Buffer.alloc(10), 0xffffffff), // length past the end
      frame(JSON.stringify({ kind: "upload", id: "u", name: "a.txt", type: "text/plain", index: 0, count: 1, size: -5, offset: 0 })),
      frame(JSON.stringify({ kind: "upload", id: "u", name: "a.txt", type: "text/plain", index: 5, count: 1, size: 10, offset: 99 }), Buffer.alloc(10)),
      frame(
        JSON.stringify({ kind: "upload", id: "nope", name: "../../etc/passwd", type: "text/plain", index: 0, count: 1, size: 3, offset: 0 }),
        Buffer.from("abc"),
      ),
      Buffer.from([0, 0]),
    ]),
    binary: true,
  }),
  oversized: () => ({ data: Buffer.alloc(3 * 1024 * 1024, 0x20), binary: false }), // over the 2 MB limit: closed with 1009
  helloTwice: (rand) => ({
    data: JSON.stringify({ t: "hello", session: rand() < 0.5 ? "x".repeat(64) : `s${rand()}`, query: { q: "<script>" } }),
    binary: false,
  }),
  valid: (rand) => ({ data: JSON.stringify(pick(rand, validMessages)), binary: false }),
};

/** How often each kind is picked (the 1 MB and 3 MB ones rarely: they cost the fuzzer's bandwidth too). */
const weights = {
  randomBytes: 10,
  notJson: 8,
  badUtf8: 1,
  truncated: 10,
  mutated: 14,
  hugeNumbers: 6,
  deep: 6,
  bigString: 0.2,
  unknownIds: 10,
  proto: 6,
  badBinary: 8,
  oversized: 0.05,
  helloTwice: 2,
  valid: 8,
};
const total = Object.values(weights).reduce((a, b) => a + b, 0);

export function fuzzMessage(rand) {
  let r = rand() * total;
  for (const [kind, weight] of Object.entries(weights)) {
    r -= weight;
    if (r <= 0) return { kind, ...kinds[kind](rand) };
  }
  return { kind: "valid", ...kinds.valid(rand) };
}

/**
 * Send `count` fuzzed messages to `url` over `sockets` connections, each paced at `perSecond`
 * (below the server's rate limit, so the messages are read rather than the socket closed), half
 * of the connections saying hello first. Resolves with what was sent and how the server answered.
 */
export async function fuzz({ url, count, sockets = 20, perSecond = 90, seed = 1, deadline = Infinity }) {
  const wsUrl = `${url.replace("http", "ws")}/_dash/ws`;
  const stats = { sent: 0, byKind: {}, closes: {}, connections: 0, warnings: 0 };
  let next = 0;
  const worker = async (index) => {
    const rand = random(seed * 1000 + index);
    while (next < count && Date.now() < deadline) {
      stats.connections++;
      const ws = new WebSocket(wsUrl, { origin: url, perMessageDeflate: false });
      ws.on("message", (data) => {
        if (String(data).includes('"t":"warning"')) stats.warnings++;
      });
      const closed = new Promise((resolve) =>
        ws.on("close", (code) => {
          stats.closes[code] = (stats.closes[code] ?? 0) + 1;
          resolve();
        }),
      );
      ws.on("error", () => {});
      const opened = await new Promise((resolve) => {
        ws.once("open", () => resolve(true));
        ws.once("close", () => resolve(false));
      });
      if (!opened) continue;
      if (index % 2 === 0) ws.send(JSON.stringify({ t: "hello" }));
      const interval = 1000 / perSecond;
      let at = performance.now();
      while (ws.readyState === WebSocket.OPEN && next < count && Date.now() < deadline) {
        next++;
        const message = fuzzMessage(rand);
        stats.byKind[message.kind] = (stats.byKind[message.kind] ?? 0) + 1;
        ws.send(message.data, { binary: message.binary });
        stats.sent++;
        at += interval;
        const wait = at - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      if (ws.readyState === WebSocket.OPEN) ws.close();
      await closed;
    }
  };
  await Promise.all(Array.from({ length: sockets }, (_, index) => worker(index)));
  return stats;
}

/**
 * A well-behaved viewer of examples/hello over a raw WebSocket: clicks "Click me" and counts the
 * clicks the page confirms ("Clicked N times"). `click()` resolves when the update arrived.
 */
export async function helloViewer(url) {
  const ws = new WebSocket(`${url.replace("http", "ws")}/_dash/ws`, { origin: url, perMessageDeflate: false });
  let last = -1;
  let waiting = null;
  ws.on("message", (data) => {
    const found = /Clicked (\d+) times/.exec(String(data));
    if (found) last = Number(found[1]);
    if (waiting && last >= waiting.want) {
      waiting.resolve();
      waiting = null;
    }
  });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  ws.send(JSON.stringify({ t: "hello" }));
  await new Promise((resolve) => {
    waiting = { want: 0, resolve };
  });
  return {
    confirmed: () => last,
    open: () => ws.readyState === WebSocket.OPEN,
    /** Click; resolves with the round trip (ms), or rejects after `timeout` ms. */
    click(timeout = 10_000) {
      const started = performance.now();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no update for click ${last + 1} within ${timeout} ms`)), timeout);
        waiting = {
          want: last + 1,
          resolve: () => {
            clearTimeout(timer);
            resolve(performance.now() - started);
          },
        };
        ws.send(JSON.stringify({ t: "click", id: "button:Click me" }));
      });
    },
    close: () => ws.close(),
  };
}
