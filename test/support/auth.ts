/**
 * Sign-in test parts: ES256 keys made with jose and served from a local HTTP server the way
 * Google (a JWK Set) and the AWS ALB (one PEM per kid) publish theirs; tokens signed as IAP and
 * the ALB sign them; plain HTTP requests and WebSocket upgrades with chosen headers and a chosen
 * source address (127.0.0.2 is another machine as far as `--trusted-proxy` is concerned).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from "jose";
import WebSocket from "ws";

export interface KeyPair {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

export async function es256(kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  return { kid, privateKey, publicKey };
}

export interface KeyServer {
  /** `DASH_IAP_KEYS_URL`: a JWK Set of the published keys. */
  iapUrl: string;
  /** `DASH_ALB_KEYS_URL`: one PEM per kid, at `{kid}`. */
  albUrl: string;
  /** Requests the server answered, by path. */
  hits: string[];
  publish(key: KeyPair): Promise<void>;
  close(): Promise<void>;
}

export async function keyServer(published: KeyPair[]): Promise<KeyServer> {
  const keys = [...published];
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    void (async () => {
      hits.push(req.url ?? "");
      if (req.url === "/iap/jwk") {
        const jwks = await Promise.all(keys.map(async (key) => ({ ...(await exportJWK(key.publicKey)), kid: key.kid, alg: "ES256", use: "sig" })));
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: jwks }));
        return;
      }
      const key = keys.find((k) => req.url === `/alb/${k.kid}`);
      if (key) res.writeHead(200, { "content-type": "text/plain" }).end(await exportSPKI(key.publicKey));
      else res.writeHead(404).end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    iapUrl: `${base}/iap/jwk`,
    albUrl: `${base}/alb/{kid}`,
    hits,
    async publish(key) {
      keys.push(key);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export const iapIssuer = "https://cloud.google.com/iap";

/** A token as IAP signs it (change any claim or header to make a bad one). */
export function iapToken(key: KeyPair, claims: JWTPayload & { email?: string }, header: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: iapIssuer, iat: now, exp: now + 600, sub: `accounts.google.com:${claims.email ?? "0"}`, ...claims })
    .setProtectedHeader({ alg: "ES256", kid: key.kid, typ: "JWT", ...header })
    .sign(key.privateKey);
}

/** base64 padded as the ALB writes it (`=` at the end of a segment). */
const pad = (segment: string): string => segment + "=".repeat((4 - (segment.length % 4)) % 4);

/** A token as an ALB signs `x-amzn-oidc-data`: signer, client and exp in the header; padded. */
export async function albToken(key: KeyPair, arn: string, claims: JWTPayload & { email?: string }, header: Record<string, unknown> = {}): Promise<string> {
  const exp = Math.floor(Date.now() / 1000) + 120;
  const token = await new SignJWT({ sub: claims.email ?? "0", exp, iss: "https://cognito-idp.eu-west-1.amazonaws.com/pool", ...claims })
    .setProtectedHeader({
      alg: "ES256",
      kid: key.kid,
      typ: "JWT",
      signer: arn,
      client: "client-id",
      iss: "https://cognito-idp.eu-west-1.amazonaws.com/pool",
      exp,
      ...header,
    })
    .sign(key.privateKey);
  return token.split(".").map(pad).join(".");
}

/** `alg: none`: a header and payload with no signature. */
export function unsignedToken(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ ...header, alg: "none" })}.${part(payload)}.`;
}

export interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** A GET with these headers, optionally from another local address (127.0.0.2). */
export function get(url: string, headers: Record<string, string> = {}, localAddress?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false, ...(localAddress ? { localAddress } : {}) }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
  });
}

export interface Upgrade {
  /** The HTTP status when the upgrade was refused; 101 when it opened. */
  status: number;
  /** What the server sent before the first run finished (text frames). */
  messages: string[];
  ws: WebSocket | null;
}

/**
 * Open the app's WebSocket with these headers, say hello (resuming `session` when given) and
 * wait for the first run to finish; or report the status the upgrade was refused with.
 */
export function connect(appUrl: string, headers: Record<string, string> = {}, hello: Record<string, unknown> = {}, localAddress?: string): Promise<Upgrade> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${appUrl.replace("http", "ws")}/_dash/ws`, { headers, origin: appUrl, ...(localAddress ? { localAddress } : {}) });
    const messages: string[] = [];
    ws.on("unexpected-response", (_req, res) => {
      resolve({ status: res.statusCode ?? 0, messages, ws: null });
      res.resume();
      ws.terminate();
    });
    ws.on("open", () => ws.send(JSON.stringify({ t: "hello", query: {}, ...hello })));
    ws.on("message", (data) => {
      const text = String(data);
      messages.push(text);
      if (text.includes('"status":"idle"') || (text.includes('"t":"hello"') && text.includes('"resumed":true'))) resolve({ status: 101, messages, ws });
    });
    ws.on("error", reject);
  });
}

/** The session id in a hello the server sent. */
export function sessionOf(upgrade: Upgrade): { session: string; resumed: boolean } {
  const hello = upgrade.messages.map((m) => JSON.parse(m) as { t: string; session?: string; resumed?: boolean }).find((m) => m.t === "hello");
  if (!hello?.session) throw new Error(`no hello in ${upgrade.messages.join("\n")}`);
  return { session: hello.session, resumed: hello.resumed ?? false };
}
