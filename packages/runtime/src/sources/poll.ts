/**
 * Where a `poll()` fetcher's code runs: the worker runs each fetcher inside `pollOrigin`, so that
 * an error no code handled in what the fetcher left running (a connection pool's sockets and
 * timers) is blamed on its source (see worker.ts).
 */
import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The poll whose fetcher started the code running now (its key), also in what that code left
 * behind (a connection pool's sockets and timers): an error no code handled is blamed on it.
 */
export const pollOrigin = new AsyncLocalStorage<string>();
