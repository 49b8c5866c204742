/**
 * Where session snapshots live (the bytes of `snapshot.ts`, which takes and encodes them). One store per process, used
 * both when a script worker is replaced (its sessions reopen from here) and when a browser
 * reconnects.
 *
 * - `LocalSnapshots`: this process only (no `DASH_REDIS_URL`).
 * - `RedisSnapshots`: also in Redis, so a browser that reconnects to another replica resumes
 *   there. Each session is a hash `<prefix>session:<sid>` of `owner` (the replica running it),
 *   `version` (bumped on every change of hands and write), `user` and `data`. A replica writes only
 *   while it is the owner and takes a session over in one Lua script, so two replicas never both
 *   own it; the one that lost it hears so on `<prefix>taken` (or from its next refused write)
 *   and closes its copy. The key expires `ttl` after its last viewer left.
 *
 * Writes happen only when a snapshot changed (the workers compare bytes before posting), so a
 * rerun that changes nothing costs no Redis round trip. While Redis is down the local copies
 * serve; when it is back they are all written again.
 */
import { randomBytes } from "node:crypto";
import { RESP_TYPES } from "redis";
import type { RedisLink } from "./redis.ts";

export interface SnapshotStore {
  /** The latest snapshot of a session this process runs, bound to its user ("" without sign-in). */
  save(sid: string, bytes: Uint8Array, user: string): void;
  /** What this process holds for a session. */
  get(sid: string): Uint8Array | undefined;
  /** Take over a session this process does not run; null if nobody has it, it expired, or it is another user's. */
  claim(sid: string, user: string): Promise<Uint8Array | null>;
  /** Is this process still the session's owner (another replica may have taken it over)? */
  owns(sid: string): Promise<boolean>;
  /** A viewer is on the session (`true`), or its last viewer left: it expires `ttl` later. */
  viewer(sid: string, present: boolean): void;
  /** The session ended here. */
  forget(sid: string): void;
  /** Called when another replica took over a session this process holds. */
  onTaken(listener: (sid: string) => void): void;
  /** Every snapshot written (a drain waits for this before closing sockets). */
  flush(): Promise<void>;
  close(): void;
}

export class LocalSnapshots implements SnapshotStore {
  protected readonly held = new Map<string, { bytes: Uint8Array; user: string }>();
  protected readonly taken: ((sid: string) => void)[] = [];

  save(sid: string, bytes: Uint8Array, user: string): void {
    this.held.set(sid, { bytes, user });
  }
  get(sid: string): Uint8Array | undefined {
    return this.held.get(sid)?.bytes;
  }
  claim(_sid: string, _user: string): Promise<Uint8Array | null> {
    return Promise.resolve(null); // nobody else has sessions
  }
  owns(_sid: string): Promise<boolean> {
    return Promise.resolve(true);
  }
  viewer(_sid: string, _present: boolean): void {}
  forget(sid: string): void {
    this.held.delete(sid);
  }
  onTaken(listener: (sid: string) => void): void {
    this.taken.push(listener);
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
  close(): void {}
}

/** Write while we own it (or nobody does: the key expired or Redis restarted empty). */
const saveScript = `
local owner = redis.call('HGET', KEYS[1], 'owner')
if owner and owner ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'data', ARGV[2], 'user', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`;

/** Take over: only the session's own user; the previous owner is told on the `taken` channel. */
const claimScript = `
local h = redis.call('HMGET', KEYS[1], 'owner', 'user', 'data')
if not h[3] or h[2] ~= ARGV[2] then return false end
redis.call('HSET', KEYS[1], 'owner', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if h[1] and h[1] ~= ARGV[1] then redis.call('PUBLISH', ARGV[4], ARGV[5] .. ' ' .. ARGV[1]) end
return h[3]`;

export interface RedisSnapshotOptions {
  /** How long a session outlives its last viewer (ms, default 10 min). */
  ttl?: number;
  log?: (line: string) => void;
}

export class RedisSnapshots extends LocalSnapshots {
  /** This process, as an owner (unique per start). */
  readonly id = randomBytes(9).toString("base64url");
  private readonly ttl: number;
  private readonly binary;
  private readonly channel: string;
  /** Writes on their way (one connection keeps them in order, so they need not wait for each other). */
  private readonly writing = new Set<Promise<void>>();
  /** Sessions whose latest snapshot is not in Redis (Redis was down): written on rejoin or at a drain. */
  private readonly dirty = new Set<string>();
  private readonly present = new Set<string>();
  private readonly refresh: ReturnType<typeof setInterval>;

  constructor(
    private readonly link: RedisLink,
    private readonly options: RedisSnapshotOptions = {},
  ) {
    super();
    this.ttl = options.ttl ?? 10 * 60_000;
    this.binary = link.client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
    options.log?.(`dash: sessions are shared through Redis; this replica owns its sessions as ${this.id}`);
    this.channel = `${link.prefix}taken`;
    void link.subscriber
      .subscribe(this.channel, (message) => {
        const [sid, owner] = message.split(" ");
        if (sid && owner !== this.id && this.held.has(sid)) this.lose(sid);
      })
      .catch(() => {}); // down now: node-redis subscribes when it connects
    link.onRejoin(() => {
      for (const sid of this.held.keys()) this.write(sid);
    });
    // Keys of sessions with a viewer are kept alive; a replica that dies stops doing so.
    this.refresh = setInterval(() => this.keepAlive(), Math.max(1000, this.ttl / 4));
    this.refresh.unref();
  }

  private key(sid: string): string {
    return `${this.link.prefix}session:${sid}`;
  }

  private lose(sid: string): void {
    this.forget(sid);
    for (const listener of this.taken) listener(sid);
  }

  override save(sid: string, bytes: Uint8Array, user: string): void {
    super.save(sid, bytes, user);
    this.write(sid);
  }

  private write(sid: string): void {
    if (!this.link.up) {
      this.dirty.add(sid);
      return;
    }
    const held = this.held.get(sid);
    if (!held) return;
    this.dirty.delete(sid);
    const args = [this.id, Buffer.from(held.bytes.buffer, held.bytes.byteOffset, held.bytes.byteLength), held.user, String(this.ttl)];
    const done = this.link.client
      .sendCommand<number>(["EVAL", saveScript, "1", this.key(sid), ...args])
      .then(
        (written) => {
          if (written === 0) this.lose(sid);
        },
        (error: unknown) => {
          this.dirty.add(sid); // written again on rejoin
          this.options.log?.(`dash: could not write session ${sid.slice(0, 6)}… to Redis: ${error instanceof Error ? error.message : String(error)}`);
        },
      )
      .finally(() => this.writing.delete(done));
    this.writing.add(done);
  }

  override async claim(sid: string, user: string): Promise<Uint8Array | null> {
    if (!this.link.up) return null;
    try {
      const data = await this.binary.sendCommand(["EVAL", claimScript, "1", this.key(sid), this.id, user, String(this.ttl), this.channel, sid]);
      return Buffer.isBuffer(data) ? new Uint8Array(data) : null;
    } catch (error) {
      this.options.log?.(`dash: could not read session ${sid.slice(0, 6)}… from Redis: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }

  override async owns(sid: string): Promise<boolean> {
    if (!this.link.up) return true;
    try {
      const owner = await this.link.client.hGet(this.key(sid), "owner");
      return owner === null || owner === undefined || owner === this.id;
    } catch {
      return true; // Redis went away meanwhile: what we hold is the best there is
    }
  }

  override viewer(sid: string, present: boolean): void {
    if (present) this.present.add(sid);
    else this.present.delete(sid);
    if (!present && this.link.up && this.held.has(sid)) void this.link.client.pExpire(this.key(sid), this.ttl).catch(() => {});
  }

  private keepAlive(): void {
    if (!this.link.up) return;
    for (const sid of this.present) if (this.held.has(sid)) void this.link.client.pExpire(this.key(sid), this.ttl).catch(() => {});
  }

  override forget(sid: string): void {
    super.forget(sid);
    this.present.delete(sid);
    this.dirty.delete(sid);
  }

  override async flush(): Promise<void> {
    for (const sid of [...this.dirty]) this.write(sid);
    while (this.writing.size) await Promise.all([...this.writing]);
  }

  override close(): void {
    clearInterval(this.refresh);
  }
}
