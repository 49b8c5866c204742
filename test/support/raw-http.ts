/** Raw bytes to a server on 127.0.0.1: for request targets and headers no HTTP client would send. */
import { connect } from "node:net";

/** Send `request` as is; resolves with the status code of the answer, or null if the socket closed without one. */
export function rawStatus(port: number, request: string, timeout = 5000): Promise<number | null> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    const done = (status: number | null): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(status);
    };
    const timer = setTimeout(() => done(null), timeout);
    socket.on("connect", () => socket.write(request));
    socket.on("data", (chunk: Buffer) => {
      answer += String(chunk);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (status) done(Number(status[1]));
    });
    socket.on("error", () => done(null));
    socket.on("close", () => done(null));
  });
}

/** Send `request` as is (it should ask for `Connection: close`); resolves with all the server sent (head and body, one character per byte). */
export function rawAnswer(port: number, request: string, timeout = 5000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(done, timeout);
    socket.on("connect", () => socket.write(request));
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
    socket.on("error", done);
    socket.on("close", done);
  });
}
