/**
 * No request may end the process: an HTTP handler that throws answers 500 (or drops the socket of
 * an upgrade) and logs the error, instead of leaving an uncaught exception to stop every viewer.
 */
import type http from "node:http";
import type { Duplex } from "node:stream";

const said = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function guardRequests(handler: http.RequestListener): http.RequestListener {
  return (req, res) => {
    try {
      handler(req, res);
    } catch (error) {
      console.error(`dash: a request to ${JSON.stringify(req.url)} failed: ${said(error)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  };
}

export function guardUpgrades(handler: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void): typeof handler {
  return (req, socket, head) => {
    try {
      handler(req, socket, head);
    } catch (error) {
      console.error(`dash: an upgrade to ${JSON.stringify(req.url)} failed: ${said(error)}`);
      socket.destroy();
    }
  };
}
