/**
 * The HTTP and WebSocket edge: serves the page shell and the browser client, checks the Origin of
 * WebSocket upgrades, validates every incoming message, and hands valid ones to the script host.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import { Socket, type AddressInfo, type BlockList } from "node:net";
import type { Duplex } from "node:stream";
import path from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { WebSocketServer, type WebSocket } from "ws";
import type { Auth, User } from "./auth/index.ts";
import type { Client, ScriptHost } from "./host.ts";
import { metrics, scrape, trackSocket } from "./metrics.ts";
import { immutable, pickEncoding, type EntryNames, type StaticAssets } from "./assets.ts";
import type { ServerMessage } from "./protocol.ts";
import { guardRequests, guardUpgrades } from "./edge/guard.ts";
import { defaultLimits, type EdgeLimits } from "./edge/limits.ts";
import { AddressSessions, SocketLimits } from "./edge/sockets.ts";
import { Uploads } from "./edge/uploads.ts";
import { Outbox } from "./edge/outbox.ts";
import { Keepalive } from "./edge/keepalive.ts";
import { securityHeaders } from "./edge/headers.ts";
import { targetUrl } from "./edge/target.ts";
import { checkOrigin } from "./edge/origin.ts";
import { clientAddress } from "./edge/forwarded.ts";

export interface ServerOptions {
  host: ScriptHost;
  /** Folder holding the built browser client (`client.js`, `client.css`). */
  clientDir: string;
  /** A `dash build`'s hashed, precompressed client (then `clientDir` is not read for the page). */
  statics?: StaticAssets;
  port?: number;
  hostname?: string;
  /** Extra origins allowed to open the WebSocket (besides `publicUrl`'s, or a loopback page's; edge/origin.ts). */
  allowedOrigins?: string[];
  /** Production: long-lived cache headers and gzip. */
  production?: boolean;
  /** What one viewer may cost: message sizes, rate, sessions per address, upload bytes (edge/limits.ts). */
  limits?: EdgeLimits;
  /** Messages for a browser that just connected (a build or type error that still stands). */
  greeting?: () => ServerMessage[];
  /** Sign-in (`--auth`): every route but /healthz, and the WebSocket, pass through it first. */
  auth?: Auth | null;
  /** The address viewers open (`--public-url`, e.g. `https://dash.example.com`), when configured. */
  publicUrl?: string | undefined;
  /** Proxies whose `X-Forwarded-For` names the viewer's address (`--trusted-proxy`, parsed by edge/forwarded.ts). */
  trustedProxies?: BlockList | null;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Start draining: `/healthz` answers 503 and new WebSocket upgrades are refused (503). */
  beginDrain(): void;
  /** Close every WebSocket with this code (1012 "service restart" on a drain): the browsers reconnect elsewhere. */
  closeSockets(code: number, reason: string): void;
  close(): Promise<void>;
}

interface Asset {
  body: Buffer;
  compressed: { br?: Buffer; gzip?: Buffer };
  type: string;
  etag: string;
}

const assetTypes: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};

function loadAsset(file: string, type: string, production: boolean): Asset {
  let body = readFileSync(file);
  // Production serves no source maps, so the scripts do not point at one.
  if (production && file.endsWith(".js")) body = Buffer.from(String(body).replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n"));
  return { body, compressed: {}, type, etag: `"${createHash("sha1").update(body).digest("hex").slice(0, 16)}"` };
}

/** Compressed on first request, then kept (production only). */
function compress(asset: Asset, encoding: "br" | "gzip"): Buffer {
  // A quick brotli (tens of ms, once per file); `dash build` writes the best one ahead of time.
  return (asset.compressed[encoding] ??=
    encoding === "br" ? brotliCompressSync(asset.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }) : gzipSync(asset.body));
}

function shell(urls: EntryNames): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>dash</title>
<link rel="stylesheet" href="${urls.css}">
<script type="module" src="${urls.js}"></script>
<link rel="modulepreload" href="${urls.markdown}">
</head>
<body><div id="app"></div></body>
</html>`;
}

/**
 * A client that trickles its request (slowloris) or opens a connection and says nothing is cut
 * off: the headers must arrive within 10 s, the whole request within 30 s (checked each second).
 */
export const slowClients = { headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1_000 } satisfies http.ServerOptions;

type Validation = typeof import("./validate.ts");

// The validator (zod) loads in the background from the moment this module loads (while the first
// build runs in esbuild's own process), not on the path to the first page.
let validation: Validation | null = null;
const validating = import("./validate.ts").then((loaded) => (validation = loaded));

/** Connections the kernel queues before the server accepts them (capped by net.core.somaxconn). */
export const listenBacklog = 4096;

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const production = options.production ?? false;
  const assets = new Map<string, Asset>();
  /** The client's files (entry, stylesheet, lazily imported chunks, maps) by route; read on first request. */
  const files = new Map<string, { file: string; type: string }>();
  const listAssets = (): void => {
    let names: string[];
    try {
      // Plain files only: a symlink in the folder is not followed out of it.
      names = readdirSync(options.clientDir, { withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => entry.name);
    } catch {
      return; // the client is being rebuilt right now: keep serving the copies we hold
    }
    for (const name of names) {
      const type = assetTypes[path.extname(name)];
      if (production && name.endsWith(".map")) continue; // no source maps in production
      if (type && /^[\w-]+(\.[\w-]+)*$/.test(name)) files.set(`/_dash/${name}`, { file: path.join(options.clientDir, name), type });
    }
  };
  /** Files of the client folder only, by plain name (no path traversal); re-read in development. */
  const loadAssets = (only: string): void => {
    const entry = files.get(only);
    if (!entry || (production && assets.has(only))) return;
    try {
      assets.set(only, loadAsset(entry.file, entry.type, production));
    } catch {
      // removed between listing and reading (a rebuild): keep the last copy
    }
  };
  listAssets();
  const statics = options.statics;
  loadAssets("/_dash/client.js");
  loadAssets("/_dash/client.css");
  const version = (name: string): string => assets.get(name)?.etag.slice(1, 9) ?? "";
  const page = shell(
    statics?.urls ?? {
      css: `/_dash/client.css?v=${version("/_dash/client.css")}`,
      js: `/_dash/client.js?v=${version("/_dash/client.js")}`,
      markdown: "/_dash/markdown.js",
    },
  );
  const assetOrigin = statics?.origin ? ` ${statics.origin}` : "";

  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = targetUrl(req.url);
    if (!url) {
      res.writeHead(400).end();
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405).end();
      return;
    }
    if (url.pathname === "/healthz") {
      res.writeHead(draining ? 503 : 200, { "content-type": "text/plain" }).end(draining ? "draining\n" : "ok\n");
      return;
    }
    if (url.pathname === "/metrics") {
      void scrape().then(
        ({ type, text }) => res.writeHead(200, { "content-type": type }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    if (statics?.serve(req, res, url.pathname)) return;
    if (!production && url.pathname.startsWith("/_dash/") && !files.has(url.pathname)) listAssets(); // a rebuild's new chunks
    if (!production || !assets.has(url.pathname)) loadAssets(url.pathname);
    const fresh = assets.get(url.pathname);
    if (fresh) {
      const encoding = production ? pickEncoding(req.headers["accept-encoding"], { br: true, gzip: true }) : null;
      const etag = encoding ? `${fresh.etag.slice(0, -1)}-${encoding}"` : fresh.etag;
      if (req.headers["if-none-match"] === etag) {
        res.writeHead(304).end();
        return;
      }
      res.writeHead(200, {
        "content-type": fresh.type,
        etag,
        // Only a URL that names its version may be kept for good; the chunks the client imports
        // by plain name are revalidated (a 304 when unchanged).
        "cache-control": production && url.searchParams.has("v") ? immutable : "no-cache",
        vary: "accept-encoding",
        ...(encoding ? { "content-encoding": encoding } : {}),
      });
      res.end(encoding ? compress(fresh, encoding) : fresh.body);
      return;
    }
    if (url.pathname.startsWith("/_dash/")) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
      "referrer-policy": "same-origin",
      "content-security-policy": `default-src 'self'; img-src 'self' data: https: http:; style-src 'self' 'unsafe-inline'${assetOrigin}; script-src 'self'${assetOrigin}; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`,
    });
    res.end(page);
  };
  const respond = guardRequests(handle);
  const server = http.createServer(slowClients, options.auth ? guardRequests((req, res) => options.auth!.http(req, res, () => respond(req, res))) : respond);
  server.prependListener("request", (_req: http.IncomingMessage, res: http.ServerResponse) => securityHeaders(res)); // every response, sign-in's too
  let draining = false;

  const limits = options.limits ?? defaultLimits;
  const addressSessions = new AddressSessions(limits.sessionsPerAddress, options.host);
  const proxies = options.trustedProxies ?? null;
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.messageBytes });
  const refusedOrigins = new Set<string>(); // each logged once
  const upgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (targetUrl(req.url)?.pathname !== "/_dash/ws") {
      socket.destroy();
      return;
    }
    const origin = checkOrigin(req.headers.origin, req.headers.host, { publicUrl: options.publicUrl, allowed: options.allowedOrigins });
    if (!origin.ok) {
      metrics.refused.inc({ reason: "origin" });
      if (refusedOrigins.size < 100 && !refusedOrigins.has(req.headers.origin!)) {
        refusedOrigins.add(req.headers.origin!);
        console.error(`dash: refused a WebSocket from ${JSON.stringify(req.headers.origin)}: ${origin.why}`);
      }
      socket.write("HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      socket.destroy();
      return;
    }
    if (draining) {
      socket.write("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      socket.destroy();
      return;
    }
    const open = (): void =>
      wss.handleUpgrade(req, socket, head, (ws) => {
        wss.emit("connection", ws, req);
        accept(ws, socket, clientAddress(req, proxies), options.auth?.userOf(req) ?? null);
      });
    if (options.auth) options.auth.upgrade(req, socket, open);
    else open();
  };
  server.on("upgrade", guardUpgrades(upgrade));

  const accept = (ws: WebSocket, socket: Duplex, address: string, user: User | null): void => {
    metrics.connections.inc();
    if (socket instanceof Socket) trackSocket(socket);
    const edge = new SocketLimits(ws, limits, address, addressSessions);
    let sid: string | null = null;
    let helloing = false;
    const uploads = new Uploads(limits.uploadBytes);
    let strikes = 0;
    // Frames are written by edge/outbox.ts: one frame of a shared text for every socket.
    const outbox = socket instanceof Socket ? new Outbox(socket, () => ws.readyState === ws.OPEN) : null;
    const client: Client = {
      sendText: (text) => (outbox ? outbox.text(text) : ws.readyState === ws.OPEN && ws.send(typeof text === "string" ? text : text.bytes, { binary: false })),
      sendBinary: (frame) => (outbox ? outbox.binary(frame) : ws.readyState === ws.OPEN && ws.send(frame)),
      close: (code, reason) => ws.close(code, reason),
      hold: () => outbox?.hold(),
    };
    const refuse = (reason: string): void => {
      metrics.refused.inc({ reason: "invalid message" });
      client.sendText(JSON.stringify({ t: "warning", message: `The server ignored a message: ${reason}` } satisfies ServerMessage));
      if (++strikes > 100) ws.close(1008, "too many invalid messages");
    };
    const receive = (data: unknown, isBinary: boolean, { parseClientMessage, parseUpload }: Validation): void => {
      metrics.wsMessages.inc();
      if (isBinary) {
        const upload = parseUpload(new Uint8Array(data as Buffer));
        if (!upload.ok) return refuse(upload.error);
        if (!sid) return refuse("say hello first");
        const arrived = uploads.add(upload.message.header, upload.message.payload);
        if (arrived && "error" in arrived) {
          client.sendText(JSON.stringify({ t: "uploadError", id: arrived.id, message: arrived.error } satisfies ServerMessage));
          options.host.message(sid, { t: "clearUpload", id: arrived.id });
        } else if (arrived) options.host.upload(sid, arrived.file);
        return;
      }
      const parsed = parseClientMessage(String(data));
      if (!parsed.ok) return refuse(parsed.error);
      const message = parsed.message;
      if (message.t === "hello") {
        if (sid || helloing) return refuse("hello sent twice");
        if (!edge.hello(message.session)) return;
        helloing = true;
        void options.host
          .connect(client, message, user)
          .then((id) => {
            sid = id;
            edge.started(id);
            for (const message of options.greeting?.() ?? []) client.sendText(JSON.stringify(message));
            if (ws.readyState !== ws.OPEN) {
              options.host.disconnect(id, client);
              edge.closed(id);
            }
          })
          .catch((error: unknown) => {
            edge.started(null);
            console.error(`dash: a session could not start: ${error instanceof Error ? error.message : String(error)}`);
            ws.close(1011, "the session could not start");
          });
        return;
      }
      // Answered here, not by the script worker: the browser's heartbeat asks whether the server
      // process is alive (a script busy for seconds is not a lost connection).
      if (message.t === "ping") return void client.sendText(JSON.stringify({ t: "pong", at: message.at } satisfies ServerMessage));
      if (!sid) return refuse("say hello first");
      options.host.message(sid, message);
    };
    // No message may end the process: whatever throws is refused like an invalid message.
    const receiveSafely = (data: unknown, isBinary: boolean, loaded: Validation): void => {
      try {
        receive(data, isBinary, loaded);
      } catch (error) {
        console.error(`dash: a message could not be handled: ${error instanceof Error ? error.message : String(error)}`);
        refuse("the server could not handle it");
      }
    };
    ws.on("message", (data, isBinary) => {
      if (!edge.admit((data as Buffer).length, isBinary && sid !== null)) return;
      if (validation) receiveSafely(data, isBinary, validation);
      else void validating.then((loaded) => receiveSafely(data, isBinary, loaded));
    });
    ws.on("close", () => {
      metrics.connections.dec();
      edge.closed(sid);
      if (sid) options.host.disconnect(sid, client);
    });
    ws.on("error", () => ws.terminate());
  };

  // Keep connections alive through load balancers and notice dead peers (each socket at its own phase).
  const keepalive = new Keepalive();
  wss.on("connection", (ws) => keepalive.add(ws));

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // When a replica dies, its viewers all reconnect to the others within a few hundred ms: a
    // backlog of Node's default 511 drops the connections past it, which retry only a second later.
    server.listen({ port: options.port ?? 8501, host: options.hostname ?? "127.0.0.1", backlog: listenBacklog }, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostname = options.hostname ?? "127.0.0.1";
  return {
    url: `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`,
    port,
    beginDrain() {
      draining = true;
    },
    closeSockets(code, reason) {
      for (const ws of wss.clients) ws.close(code, reason);
    },
    async close() {
      keepalive.stop();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
    },
  };
}
