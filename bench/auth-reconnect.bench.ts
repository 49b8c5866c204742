/**
 * Issue 12, "Speed": 1,000 signed-in viewers reconnecting at once (a rolling deploy). A real
 * OpenID provider (oidc-provider on 127.0.0.1) and `dash serve --auth oidc` in a process of its
 * own; 1,000 protocol-level WebSocket clients, each with a valid `dash_session` cookie sealed with
 * the server's own cookie code and DASH_COOKIE_SECRET (as a sign-in at the provider would leave).
 * Each gets its first page; the server is stopped and a second one (same secret, same port) started;
 * all 1,000 reconnect at once with their session ids. Printed: time to the resumed page (p50, p99),
 * time for all, and the requests that reached the provider during the storm (must be 0).
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { sealer } from "../packages/runtime/src/auth/cookie.ts";
import { connect, sessionOf, type Upgrade } from "../test/support/auth.ts";
import { startProvider } from "../test/support/oidc.ts";
import { freePort } from "../test/support/redis.ts";
// @ts-expect-error -- plain ESM helper without types
import { line, report, root } from "./lib/stats.mjs";

const viewers = 1000;
const cookieSecret = "the-cookie-secret-of-the-reconnect-bench-0123456789";
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const provider = await startProvider(await freePort(), [url]);

/** `dash serve --auth oidc` on `port`; resolves once /healthz answers and discovery is done. */
async function serve(): Promise<ChildProcess> {
  const args = [path.join(root, "packages/cli/bin/dash.js"), "serve", path.join(root, "test/e2e/fixtures/whoami.ts"), "--port", String(port)];
  args.push("--auth", "oidc", "--oidc-issuer", provider.issuer, "--oidc-client-id", provider.clientId, "--public-url", url);
  args.push("--sessions-per-address", String(2 * viewers + 10));
  const env = { ...process.env, DASH_OIDC_CLIENT_SECRET: provider.clientSecret, DASH_COOKIE_SECRET: cookieSecret };
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dash serve exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok && provider.hits.some((hit) => hit.includes("openid-configuration"))) return child;
    if (Date.now() > deadline) throw new Error("dash serve did not start within 30 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
const stop = (child: ChildProcess): Promise<unknown> => new Promise((resolve) => (child.once("exit", resolve), child.kill("SIGTERM")));

const seal = sealer(cookieSecret, "session");
const cookies = await Promise.all(
  Array.from({ length: viewers }, (_, i) =>
    seal.seal({ user: { email: `viewer${i}@example.com`, name: `Viewer ${i}`, sub: `v${i}`, groups: [], claims: {} } }, 3600),
  ),
);
/** Connect viewer `i` (resuming `session` when given) and check the page is signed in as them. */
async function open(i: number, session?: string): Promise<Upgrade> {
  const up = await connect(url, { cookie: `dash_session=${cookies[i]}` }, session ? { session } : {});
  if (up.status !== 101) throw new Error(`viewer ${i}: upgrade refused with ${up.status}`);
  if (!up.messages.join("").includes(`user: viewer${i}@example.com`)) throw new Error(`viewer ${i}: the page is not signed in as them`);
  return up;
}

let server = await serve();
const sessions: string[] = [];
const firstStart = performance.now();
for (let i = 0; i < viewers; i += 50) {
  const batch = await Promise.all(Array.from({ length: Math.min(50, viewers - i) }, (_, j) => open(i + j)));
  for (const up of batch) {
    sessions.push(sessionOf(up).session);
    up.ws?.terminate();
  }
}
line("1,000 signed-in viewers got their first page (50 at a time)", `${((performance.now() - firstStart) / 1000).toFixed(1)} s`);

// The rolling deploy: the first server goes away, a second (same secret, same port) takes over.
await stop(server);
server = await serve();
const hitsBefore = provider.hits.length;
let resumed = 0;
const storm = performance.now();
const resumeTimes = await Promise.all(
  sessions.map(async (session, i) => {
    const up = await open(i, session);
    if (sessionOf(up).resumed) resumed++;
    up.ws?.terminate();
    return performance.now() - storm;
  }),
);
const all = performance.now() - storm;
const calls = provider.hits.length - hitsBefore;
report("reconnect storm: time to resumed page (all 1,000 at once)", resumeTimes, "ms", undefined, 0);
line("reconnect storm: time for all 1,000 to resume", `${(all / 1000).toFixed(2)} s`);
line("sessions the second server resumed (the rest reran from the hello, as in-memory sessions do)", `${resumed} of ${viewers}`);
line("requests reaching the provider in all (discovery, once per server start)", String(provider.hits.length));
line("requests reaching the provider during the storm", `${calls}${calls ? ` (${provider.hits.slice(hitsBefore).join(", ")})` : ""}`, calls === 0);
await stop(server);
await provider.close();
if (calls) process.exitCode = 1;
