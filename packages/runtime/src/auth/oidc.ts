/**
 * `--auth oidc`: dash signs viewers in itself, with any OpenID Connect provider (Google, Okta,
 * Entra ID, Cognito, Keycloak). `openid-client` does the protocol: discovery, authorization code
 * with PKCE, state and nonce, the ID token's checks. The signed-in viewer lives in a sealed cookie
 * (see cookie.ts): no server-side store, so replicas with the same `DASH_COOKIE_SECRET` share
 * sign-ins and a reconnect never calls the provider.
 *
 * Routes: `/_dash/auth/login?next=/path` (start), `/_dash/auth/callback` (the redirect URI to
 * register: `PUBLIC_URL/_dash/auth/callback`), `/_dash/auth/logout`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import * as client from "openid-client";
import { isLoopback, refuse, remoteAddress, sendRefusal, userFromClaims, type User, type Verdict } from "./common.ts";
import { cookieHeader, readCookie, sealer } from "./cookie.ts";

export interface OidcOptions {
  issuer: string;
  clientId: string;
  /** `DASH_OIDC_CLIENT_SECRET` (omit for a public client). */
  clientSecret?: string | undefined;
  /** The address viewers open (`https://dash.example.com`): the redirect URI is built from it. */
  publicUrl: string;
  /** `DASH_COOKIE_SECRET`, at least 32 bytes, the same on every replica. */
  cookieSecret: string;
  /** How long a sign-in lasts (seconds). */
  maxAge: number;
  scopes?: string;
  log: (line: string) => void;
  /** Where refusals go (rate-limited: auth/refusals.ts). */
  refused: (line: string, reason: string) => void;
}

export const routes = { login: "/_dash/auth/login", callback: "/_dash/auth/callback", logout: "/_dash/auth/logout" };
const sessionCookie = "dash_session";
const pendingCookie = "dash_signin";
/** Claims kept in the cookie (a cookie holds ~4 KB; the rest of a big token is dropped). */
const maxClaimsChars = 1500;

/** A path on this site to return to after sign-in, or `null` for anything else (`//evil`, `https://…`). */
export function safeNext(next: string | null): string | null {
  if (next === null || next === "") return "/";
  if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || /[\r\n]/.test(next)) return null;
  try {
    const url = new URL(next, "http://dash.invalid");
    return url.origin === "http://dash.invalid" ? `${url.pathname}${url.search}` : null;
  } catch {
    return null;
  }
}

export interface Oidc {
  identify(req: IncomingMessage): Promise<Verdict>;
  /** Answer `/_dash/auth/*`; `false` for any other path. */
  route(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
  /** Send a browser's page load to the provider's sign-in, to come back to this URL. */
  signIn(req: IncomingMessage, res: ServerResponse, url: URL): void;
}

export function oidc(options: OidcOptions): Oidc {
  const issuer = new URL(options.issuer);
  if (issuer.protocol !== "https:" && !(issuer.protocol === "http:" && isLoopback(issuer.hostname)))
    throw new Error(`--oidc-issuer must be an https:// URL (http:// only on loopback, for local tests): ${options.issuer}`);
  const publicUrl = new URL(options.publicUrl);
  const base = publicUrl.href.replace(/\/+$/, "");
  const secure = publicUrl.protocol === "https:";
  const redirectUri = `${base}${routes.callback}`;
  const sessions = sealer(options.cookieSecret, "session");
  const pending = sealer(options.cookieSecret, "sign-in");
  const { log } = options;

  let discovered: Promise<client.Configuration> | null = null;
  const config = (): Promise<client.Configuration> => {
    discovered ??= client
      .discovery(issuer, options.clientId, options.clientSecret, undefined, {
        execute: issuer.protocol === "http:" ? [client.allowInsecureRequests] : [],
        timeout: 10,
      })
      .catch((error: unknown) => {
        discovered = null; // ask again next time
        throw error;
      });
    return discovered;
  };
  // Discover at startup, so a wrong issuer shows in the log at once (and the first viewer waits less).
  config().catch((error: unknown) => log(`dash auth: oidc: discovery at ${issuer.href} failed: ${describe(error)} (retried on the next sign-in)`));

  const redirect = (res: ServerResponse, location: string, cookies: string[] = []): void => {
    res.writeHead(302, { location, "cache-control": "no-store", ...(cookies.length ? { "set-cookie": cookies } : {}) }).end();
  };

  const begin = async (res: ServerResponse, next: string): Promise<void> => {
    const configuration = await config();
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const target = client.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: options.scopes ?? "openid email profile",
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state,
      nonce,
    });
    const sealed = await pending.seal({ state, nonce, verifier, next }, 600);
    redirect(res, target.href, [cookieHeader(pendingCookie, sealed, { maxAge: 600, secure })]);
  };

  const failed = (req: IncomingMessage, res: ServerResponse, reason: string, status: 401 | 403 = 401): void => {
    options.refused(`dash auth: refused ${req.method} ${(req.url ?? "").split("?")[0]} from ${remoteAddress(req)}: oidc: ${reason}`, reason);
    if (!res.headersSent) sendRefusal(req, res, status, { signIn: routes.login });
  };

  const callback = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const raw = readCookie(req, pendingCookie);
    const opened = raw ? await pending.open(raw) : { ok: false as const, reason: "no sign-in was started in this browser (or it took longer than 10 minutes)" };
    if (!opened.ok) return failed(req, res, `callback: ${opened.reason}`);
    const { state, nonce, verifier, next } = opened.payload as { state: string; nonce: string; verifier: string; next: string };
    if (url.searchParams.get("state") !== state) return failed(req, res, "callback: the state does not match the sign-in this browser started");
    const providerError = url.searchParams.get("error");
    if (providerError) return failed(req, res, `callback: the provider answered ${providerError.slice(0, 100)}`, 403);
    let claims: client.IDToken | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(await config(), new URL(`${redirectUri}${url.search}`), {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
      // Providers that put only `sub` in the ID token (Okta, oidc-provider by default) give the
      // rest at the userinfo endpoint: one call, at sign-in only.
      if (claims && typeof claims.email !== "string" && tokens.access_token) {
        const info = await client.fetchUserInfo(await config(), tokens.access_token, claims.sub);
        claims = { ...info, ...claims, email: info.email, name: info.name ?? claims.name, groups: info.groups ?? claims.groups };
      }
    } catch (error) {
      return failed(req, res, `callback: ${describe(error)}`);
    }
    const user = claims && userFromClaims(claims);
    if (!user) return failed(req, res, "callback: the ID token names no subject");
    if (JSON.stringify(user.claims).length > maxClaimsChars) user.claims = {};
    const sealed = await sessions.seal({ user }, options.maxAge);
    log(`dash auth: oidc: ${user.email || user.sub} signed in`);
    redirect(res, next, [cookieHeader(sessionCookie, sealed, { maxAge: options.maxAge, secure }), cookieHeader(pendingCookie, "", { maxAge: 0, secure })]);
  };

  const logout = async (res: ServerResponse): Promise<void> => {
    const cleared = [cookieHeader(sessionCookie, "", { maxAge: 0, secure })];
    let target = `${base}/`;
    try {
      const configuration = await config();
      if (configuration.serverMetadata().end_session_endpoint)
        target = client.buildEndSessionUrl(configuration, { client_id: options.clientId, post_logout_redirect_uri: `${base}/` }).href;
    } catch {
      // the provider is unreachable: our own cookie is gone, which is what matters here
    }
    redirect(res, target, cleared);
  };

  const start = (req: IncomingMessage, res: ServerResponse, next: string): void => {
    begin(res, next).catch((error: unknown) => failed(req, res, `could not start the sign-in: ${describe(error)}`));
  };

  return {
    async identify(req) {
      const raw = readCookie(req, sessionCookie);
      if (!raw) return refuse(401, "not signed in (no session cookie)");
      const opened = await sessions.open(raw);
      if (!opened.ok) return refuse(401, `oidc: ${opened.reason}`);
      const user = opened.payload.user as User | undefined;
      if (!user || typeof user.sub !== "string" || typeof user.email !== "string") return refuse(401, "oidc: the cookie holds no user");
      return { ok: true, user };
    },
    route(req, res, url) {
      if (url.pathname === routes.login) {
        const next = safeNext(url.searchParams.get("next"));
        if (next === null) {
          failed(req, res, `login: refused to return to ${JSON.stringify(url.searchParams.get("next")?.slice(0, 200))} (not a path on this dashboard)`, 403);
          return true;
        }
        start(req, res, next);
        return true;
      }
      if (url.pathname === routes.callback) {
        callback(req, res, url).catch((error: unknown) => failed(req, res, `callback: ${describe(error)}`));
        return true;
      }
      if (url.pathname === routes.logout) {
        void logout(res);
        return true;
      }
      return false;
    },
    signIn(req, res, url) {
      start(req, res, safeNext(`${url.pathname}${url.search}`) ?? "/");
    },
  };
}

/** An error in a few words, without anything a token could leak through. */
function describe(error: unknown): string {
  if (error instanceof client.ResponseBodyError)
    return `the provider refused: ${error.error}${error.error_description ? ` (${error.error_description.slice(0, 200)})` : ""}`;
  if (error instanceof Error) return `${error.message.slice(0, 300)}${error.cause instanceof Error ? ` (${error.cause.message.slice(0, 200)})` : ""}`;
  return String(error);
}
