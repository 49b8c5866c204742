/**
 * What one viewer may cost the server: the size of a message before and after it has said hello,
 * messages per second, sessions per client address, and upload bytes held while they arrive. Each
 * has a flag and a `DASH_*` twin; each refusal closes the socket with a reason that says which limit
 * (the page shows it), or for uploads answers the uploader widget.
 */

export interface EdgeLimits {
  /** Largest message before the viewer has said hello (bytes). */
  helloBytes: number;
  /** Largest message after hello (bytes); uploads arrive in chunks below it. */
  messageBytes: number;
  /** Messages per second per socket, on average (a burst of twice as many passes). */
  messagesPerSecond: number;
  /** Sessions one client address may hold; its oldest disconnected one makes room for a new one. */
  sessionsPerAddress: number;
  /** Upload bytes one session may hold while a (multi-file) upload arrives. */
  uploadBytes: number;
  /** A socket that has not said hello after this long is closed (ms). */
  helloTimeout: number;
}

export const defaultLimits: EdgeLimits = {
  helloBytes: 64 * 1024,
  messageBytes: 2 * 1024 * 1024,
  messagesPerSecond: 100,
  sessionsPerAddress: 50,
  uploadBytes: 200 * 1024 * 1024,
  helloTimeout: 10_000,
};

/** Each limit's flag, its environment twin, its unit and the field it sets. */
const flags = {
  "max-hello-kb": { env: "DASH_MAX_HELLO_KB", field: "helloBytes", unit: 1024 },
  "max-message-kb": { env: "DASH_MAX_MESSAGE_KB", field: "messageBytes", unit: 1024 },
  "messages-per-second": { env: "DASH_MESSAGES_PER_SECOND", field: "messagesPerSecond", unit: 1 },
  "sessions-per-address": { env: "DASH_SESSIONS_PER_ADDRESS", field: "sessionsPerAddress", unit: 1 },
  "max-upload-mb": { env: "DASH_MAX_UPLOAD_MB", field: "uploadBytes", unit: 1024 * 1024 },
} as const satisfies Record<string, { env: string; field: keyof EdgeLimits; unit: number }>;

/** The limits' options for `parseArgs`. */
export const limitFlags = Object.fromEntries(Object.keys(flags).map((flag) => [flag, { type: "string" as const }])) as Record<
  keyof typeof flags,
  { type: "string" }
>;

/** The limits' lines for the CLI's usage text. */
export const limitUsage = `Limits per viewer (docs/deploy.md, "Limits and hardening"; environment twin in brackets):
  --max-hello-kb <n>         largest message before hello (default 64)  [DASH_MAX_HELLO_KB]
  --max-message-kb <n>       largest message after hello (default 2048)  [DASH_MAX_MESSAGE_KB]
  --messages-per-second <n>  per connection, bursts of twice as many (default 100)  [DASH_MESSAGES_PER_SECOND]
  --sessions-per-address <n> sessions one client address may hold (default 50)  [DASH_SESSIONS_PER_ADDRESS]
  --max-upload-mb <n>        upload bytes a session may hold while they arrive (default 200)  [DASH_MAX_UPLOAD_MB]`;

/** The limits from flags, then the environment, then the defaults; a bad value is an error naming it. */
export function limitsFrom(values: Partial<Record<string, string | boolean | string[] | undefined>>, env: NodeJS.ProcessEnv): EdgeLimits {
  const limits = { ...defaultLimits };
  for (const [flag, { env: name, field, unit }] of Object.entries(flags)) {
    const given = values[flag] ?? env[name];
    if (given === undefined || given === "") continue;
    const n = Number(given);
    if (typeof given !== "string" || !Number.isFinite(n) || n <= 0)
      throw new Error(`--${flag} (${name}) must be a positive number, not ${JSON.stringify(given)}.`);
    limits[field] = Math.round(n * unit);
  }
  return limits;
}

/** Messages a socket may still send now: a bucket refilled at `perSecond`, holding two seconds' worth. */
export class MessageRate {
  private tokens: number;
  private last = Date.now();
  constructor(private readonly perSecond: number) {
    this.tokens = 2 * perSecond;
  }
  /** Take one; false when the socket is over its rate. */
  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(2 * this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}

/** A byte count for people: "64 KB", "2 MB". */
export function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MB` : `${+(bytes / 1024).toFixed(1)} KB`;
}
