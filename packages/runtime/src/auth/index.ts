/**
 * Access and sign-in (`--auth`): one mode per server. When a mode is on, every route except
 * `/healthz` — the page, `/_dash/*` assets, the WebSocket upgrade, `/metrics` — is refused
 * without a valid identity, and the viewer on the list `--allow` names. The server calls
 * `auth.http` before it answers a request and `auth.upgrade` before it opens a WebSocket; the
 * verified user is then `auth.userOf(req)`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { targetUrl } from "../edge/target.ts";
import { parseDuration } from "../sources/duration.ts";
import { albVerifier } from "./alb.ts";
import { allowList, isLoopback, remoteAddress, sendRefusal, type User, type Verdict } from "./common.ts";
import { headerVerifier, parseCidrs } from "./header.ts";
import { iapVerifier } from "./iap.ts";
import { oidc, routes } from "./oidc.ts";
import { refusalLog } from "./refusals.ts";

export type { User } from "./common.ts";
export { sameUser } from "./common.ts";

/** What the command line (or a test) chose; every field has a `DASH_*` environment twin. */
export interface AuthConfig {
  /** `none`, `header:NAME`, `iap`, `alb` or `oidc`. */
  auth: string;
  /** Emails, `@domains` and `group:names` that may view (empty: every verified identity). */
  allow?: string[] | undefined;
  trustedProxies?: string[] | undefined;
  iapAudience?: string | undefined;
  iapKeysUrl?: string | undefined;
  albArn?: string | undefined;
  albRegion?: string | undefined;
  albKeysUrl?: string | undefined;
  oidcIssuer?: string | undefined;
  oidcClientId?: string | undefined;
  oidcClientSecret?: string | undefined;
  /** What to ask the provider for, e.g. `openid email profile groups` (default `openid email profile`). */
  oidcScopes?: string | undefined;
  cookieSecret?: string | undefined;
  /** The address viewers open, e.g. `https://dash.example.com` (`--public-url`). */
  publicUrl?: string | undefined;
  /** How long an `oidc` sign-in lasts: `8h`, `30m`, or seconds as a number. Default 8 h. */
  sessionMaxAge?: string | number | undefined;
  /** Repeated refusals are counted, one line per this many seconds (`DASH_AUTH_LOG_SECONDS`; 0: every refusal is written). Default 60. */
  refusalLogSeconds?: number | undefined;
}

/** The command-line flags of sign-in, with their environment twins (flags win). */
export const authFlags = {
  auth: "DASH_AUTH",
  allow: "DASH_ALLOW",
  "trusted-proxy": "DASH_TRUSTED_PROXY",
  "iap-audience": "DASH_IAP_AUDIENCE",
  "alb-arn": "DASH_ALB_ARN",
  "alb-region": "DASH_ALB_REGION",
  "oidc-issuer": "DASH_OIDC_ISSUER",
  "oidc-client-id": "DASH_OIDC_CLIENT_ID",
  "oidc-scopes": "DASH_OIDC_SCOPES",
  "public-url": "DASH_PUBLIC_URL",
  "session-max-age": "DASH_SESSION_MAX_AGE",
} as const;

const list = (text: string | undefined): string[] | undefined =>
  text
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** Flags (then `DASH_*` variables) → an AuthConfig, or `undefined` when no mode was chosen. */
export function authConfigFrom(flags: Partial<Record<keyof typeof authFlags, string | undefined>>, env: NodeJS.ProcessEnv): AuthConfig | undefined {
  const get = (flag: keyof typeof authFlags): string | undefined => flags[flag] ?? env[authFlags[flag]];
  const auth = get("auth");
  if (auth === undefined) return undefined;
  return {
    auth,
    allow: list(get("allow")),
    trustedProxies: list(get("trusted-proxy")),
    iapAudience: get("iap-audience"),
    iapKeysUrl: env.DASH_IAP_KEYS_URL,
    albArn: get("alb-arn"),
    albRegion: get("alb-region"),
    albKeysUrl: env.DASH_ALB_KEYS_URL,
    oidcIssuer: get("oidc-issuer"),
    oidcClientId: get("oidc-client-id"),
    oidcClientSecret: env.DASH_OIDC_CLIENT_SECRET,
    oidcScopes: get("oidc-scopes"),
    cookieSecret: env.DASH_COOKIE_SECRET,
    publicUrl: get("public-url"),
    sessionMaxAge: get("session-max-age"),
    refusalLogSeconds: env.DASH_AUTH_LOG_SECONDS ? Number(env.DASH_AUTH_LOG_SECONDS) : undefined,
  };
}

/**
 * `--oidc-scopes` as the provider wants it: space-separated, `openid` first (an OpenID sign-in
 * without it gets no ID token). Commas are accepted too: `openid,email,groups`.
 */
export function scopesOf(text: string | undefined): string | undefined {
  const scopes = text?.split(/[\s,]+/).filter(Boolean);
  if (!scopes?.length) return undefined;
  return ["openid", ...scopes.filter((s) => s !== "openid")].join(" ");
}

export interface Auth {
  readonly mode: string;
  /** Where the page's "Sign out" goes (`null`: the mode has no sign-out dash can offer). */
  readonly signOut: string | null;
  /** Answer a refused request (or a sign-in route); otherwise call `next` with the user known. */
  http(req: IncomingMessage, res: ServerResponse, next: () => void): void;
  /** Refuse a WebSocket upgrade without a valid identity (401/403); otherwise call `next`. */
  upgrade(req: IncomingMessage, socket: Duplex, next: () => void): void;
  /** The verified viewer of a request that passed `http` or `upgrade`. */
  userOf(req: IncomingMessage): User | null;
}

/** Refuses to serve a non-loopback address with no `--auth` choice (§9): `--auth none` is a choice. */
export function checkExposure(host: string, config: AuthConfig | undefined): void {
  if (!config && !isLoopback(host))
    throw new Error(
      `dash serve on ${host} needs an --auth choice: who may see this dashboard? ` +
        "Use --auth iap|alb|oidc|header:NAME (see docs/deploy.md), or --auth none for a public dashboard.",
    );
}

/** Build the chosen mode (throws naming what is missing); `null` for `none`. */
export function createAuth(config: AuthConfig, log: (line: string) => void): Auth | null {
  const mode = config.auth.trim();
  const need = (value: string | undefined, what: string): string => {
    if (!value) throw new Error(`--auth ${mode} needs ${what}.`);
    return value;
  };
  let identify: (req: IncomingMessage) => Verdict | Promise<Verdict>;
  let signOut: string | null = null;
  let login: ReturnType<typeof oidc> | null = null;
  if (mode === "none") return null;
  const logSeconds = config.refusalLogSeconds ?? 60;
  if (!(logSeconds >= 0)) throw new Error(`DASH_AUTH_LOG_SECONDS is seconds between refusal summaries (0: log each), not ${String(logSeconds)}.`);
  const refused = refusalLog(log, logSeconds * 1000);
  if (mode.startsWith("header:")) {
    const name = mode.slice(7);
    if (!/^[\w-]+$/.test(name)) throw new Error(`--auth header:NAME needs a header name (e.g. header:X-Forwarded-Email), not "${name}".`);
    parseCidrs(config.trustedProxies ?? []);
    identify = headerVerifier(name, config.trustedProxies ?? []);
  } else if (mode === "iap") {
    identify = iapVerifier({
      audience: need(config.iapAudience, "--iap-audience (/projects/NUMBER/global/backendServices/ID, see docs/deploy.md)"),
      keysUrl: config.iapKeysUrl,
    });
    signOut = "/?gcp-iap-mode=CLEAR_LOGIN_COOKIE";
  } else if (mode === "alb") {
    const arn = need(config.albArn, "--alb-arn (the load balancer's ARN, arn:aws:elasticloadbalancing:…)");
    identify = albVerifier({ arn, region: need(config.albRegion, "--alb-region (e.g. eu-west-1)"), keysUrl: config.albKeysUrl });
  } else if (mode === "oidc") {
    const maxAge = config.sessionMaxAge ?? "8h";
    const seconds = Math.floor((typeof maxAge === "number" ? maxAge * 1000 : parseDuration(maxAge)) / 1000);
    if (!(seconds > 0)) throw new Error(`--session-max-age must be a positive duration such as 8h, not ${String(maxAge)}.`);
    login = oidc({
      issuer: need(config.oidcIssuer, "--oidc-issuer (e.g. https://accounts.google.com)"),
      clientId: need(config.oidcClientId, "--oidc-client-id"),
      clientSecret: config.oidcClientSecret,
      scopes: scopesOf(config.oidcScopes),
      publicUrl: need(config.publicUrl, "--public-url (the address viewers open, e.g. https://dash.example.com)"),
      cookieSecret: need(config.cookieSecret, "DASH_COOKIE_SECRET (at least 32 bytes, the same on every replica)"),
      maxAge: seconds,
      log,
      refused,
    });
    identify = login.identify;
    signOut = routes.logout;
  } else {
    throw new Error(`--auth must be none, header:NAME, iap, alb or oidc, not "${mode}".`);
  }
  const allowed = allowList(config.allow ?? []);
  const users = new WeakMap<IncomingMessage, User>();
  const logRefusal = (req: IncomingMessage, path: string, reason: string): void =>
    refused(`dash auth: refused ${req.method} ${path} from ${remoteAddress(req)}: ${reason}`, reason);

  /** The verdict for a request, with the allow list applied. */
  const check = async (req: IncomingMessage): Promise<Verdict> => {
    try {
      const verdict = await identify(req);
      if (verdict.ok && !allowed(verdict.user)) {
        const account = verdict.user.email || verdict.user.sub;
        return { ok: false, status: 403, reason: `${account} is not on the --allow list`, account };
      }
      if (verdict.ok) users.set(req, verdict.user);
      return verdict;
    } catch (error) {
      return { ok: false, status: 401, reason: `${mode}: ${error instanceof Error ? error.message : String(error)}` };
    }
  };

  return {
    mode,
    signOut,
    userOf: (req) => users.get(req) ?? null,
    http(req, res, next) {
      // Read the target as the server does (`//x/healthz` is the path "//x/healthz", not /healthz).
      const url = targetUrl(req.url);
      if (!url) {
        res.writeHead(400).end();
        return;
      }
      if (url.pathname === "/healthz") return next();
      if (login?.route(req, res, url)) return;
      check(req)
        .then((verdict) => {
          if (verdict.ok) return next();
          const page = (req.method === "GET" || req.method === "HEAD") && !url.pathname.startsWith("/_dash/") && url.pathname !== "/metrics";
          if (login && verdict.status === 401 && page) {
            logRefusal(req, url.pathname, `${verdict.reason}: sent to sign in`);
            return login.signIn(req, res, url);
          }
          logRefusal(req, url.pathname, verdict.reason);
          sendRefusal(req, res, verdict.status, {
            account: verdict.account,
            signOut,
            ...(login ? { signIn: `${routes.login}?next=${encodeURIComponent(url.pathname + url.search)}` } : {}),
          });
        })
        .catch((error: unknown) => {
          log(`dash auth: a request to ${JSON.stringify(url.pathname)} failed: ${error instanceof Error ? error.message : String(error)}`);
          if (!res.headersSent) res.writeHead(500);
          res.end();
        });
    },
    upgrade(req, socket, next) {
      const ignore = (): void => {};
      socket.on("error", ignore);
      check(req)
        .then((verdict) => {
          socket.off("error", ignore);
          if (socket.destroyed) return;
          if (verdict.ok) return next();
          logRefusal(req, "/_dash/ws (WebSocket)", verdict.reason);
          const status = verdict.status === 401 ? "401 Unauthorized" : "403 Forbidden";
          socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        })
        .catch((error: unknown) => {
          log(`dash auth: an upgrade failed: ${error instanceof Error ? error.message : String(error)}`);
          socket.destroy();
        });
    },
  };
}
