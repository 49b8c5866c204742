export interface ServedApp {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** The exit code once the process has ended, null while it runs. */
  exitCode(): number | null;
  /** What the server printed on stderr so far. */
  stderr(): string;
  /** Resident memory of the server process, MB. */
  rssMb(): number;
  /** CPU time the server process has used so far (all its threads, user + system), seconds. */
  cpuSeconds(): number;
  stop(): Promise<void>;
  /** Send a signal (SIGKILL: a crash; SIGTERM: a drain) and wait for the exit: its code and how long it took (ms). */
  kill(signal: NodeJS.Signals): Promise<{ code: number; ms: number }>;
}
export function sleep(ms: number): Promise<void>;
/** Start `npx dash serve entry …args` (entry relative to the repository's root); resolves once it listens. */
export function serveDash(entry: string, args?: string[], env?: Record<string, string>, options?: { bin?: string; node?: string[] }): Promise<ServedApp>;
