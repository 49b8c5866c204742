// Debian's redis-server for the benchmarks, on a free 127.0.0.1 port, without persistence.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { createClient } from "redis";

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

export async function startRedis() {
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const url = `redis://127.0.0.1:${port}`;
  const client = createClient({ url, socket: { reconnectStrategy: (n) => (n > 100 ? false : 50) } });
  client.on("error", () => {});
  await client.connect();
  return {
    url,
    /** Commands Redis has run so far (INFO commandstats, all commands but INFO itself). */
    async commands() {
      const info = await client.info("commandstats");
      return [...info.matchAll(/cmdstat_(\w+):calls=(\d+)/g)].filter(([, name]) => name !== "info").reduce((sum, [, , calls]) => sum + Number(calls), 0);
    },
    /**
     * Record every command Redis receives from now on (MONITOR; not the commands a Lua script runs
     * inside its EVAL). Resolves with a function that stops and returns the lines.
     */
    async record() {
      const monitor = createClient({ url });
      monitor.on("error", () => {});
      await monitor.connect();
      const lines = [];
      await monitor.monitor((line) => {
        if (!line.includes("[0 lua]")) lines.push(line);
      });
      return async () => {
        await monitor.close();
        return lines;
      };
    },
    /** Who holds the sources' leases now: the tokens (`host:pid:id:fence`, cluster/sources.ts). */
    async leaseHolders() {
      const keys = await client.keys("*:src:*:lease");
      return (await Promise.all(keys.map((key) => client.get(key)))).filter(Boolean);
    },
    flush: () => client.flushAll(),
    async stop() {
      await client.close();
      child.kill("SIGKILL");
    },
  };
}
