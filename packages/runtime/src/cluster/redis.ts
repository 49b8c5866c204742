/**
 * The link to Redis (`DASH_REDIS_URL`) that the replicas of one app share: a command client and a
 * subscriber, both reconnecting by themselves (node-redis resubscribes its channels after a
 * reconnect). Commands fail at once while Redis is down (no offline queue): callers fall back to
 * local state, and `up` says which case they are in.
 */
import { createClient } from "redis";
import { redisState } from "../metrics.ts";

function makeClient(url: string) {
  const socket = { reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000) + Math.floor(Math.random() * 100), connectTimeout: 2000 };
  return createClient({ url, socket, disableOfflineQueue: true });
}

export type RedisClient = ReturnType<typeof makeClient>;

export interface RedisLink {
  /** Commands (GET, SET NX PX, EVAL, PUBLISH…). */
  readonly client: RedisClient;
  /** Subscriptions only (a connection in subscribe mode takes no other commands). */
  readonly subscriber: RedisClient;
  /** Every key this app writes starts with this (`dash:<app>:`), so apps can share one Redis. */
  readonly prefix: string;
  /** Both connections are ready. */
  readonly up: boolean;
  /** Called each time the link comes back after being down (not on the first connect). */
  onRejoin(listener: () => void): void;
  close(): Promise<void>;
}

export interface RedisLinkOptions {
  url: string;
  /** Names the app's keys; replicas of one app must agree (default "app"). */
  app?: string;
  log?: (line: string) => void;
}

/** Connect to Redis. Resolves once connected, or after the first failure (then it keeps retrying). */
export async function connectRedis(options: RedisLinkOptions): Promise<RedisLink> {
  const log = options.log ?? ((line: string) => console.error(line));
  const client = makeClient(options.url);
  const subscriber = makeClient(options.url);
  const listeners: (() => void)[] = [];
  let down = false;
  const refresh = (): void => {
    const up = client.isReady && subscriber.isReady;
    redisState(up);
    if (up && down) {
      down = false;
      log("dash: Redis is back: rejoining the cluster");
      for (const listener of listeners) listener();
    }
  };
  for (const connection of [client, subscriber]) {
    connection.on("ready", refresh);
    connection.on("end", refresh);
    connection.on("error", (error: unknown) => {
      if (!down)
        log(`dash: Redis unreachable (${error instanceof Error ? error.message : String(error)}): serving from this replica's own state until it is back`);
      down = true;
      refresh();
    });
  }
  await Promise.allSettled([client.connect(), subscriber.connect()]);
  refresh();
  return {
    client,
    subscriber,
    prefix: `dash:${options.app ?? "app"}:`,
    get up() {
      return client.isReady && subscriber.isReady;
    },
    onRejoin(listener) {
      listeners.push(listener);
    },
    async close() {
      await Promise.allSettled([client.close(), subscriber.close()]);
    },
  };
}
