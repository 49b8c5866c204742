/**
 * The `dash` command line: `run` (development, hot reload), `serve` (production), `build`,
 * and `new` (a starter script). Flags win over `DASH_*` environment variables.
 */
import { existsSync, writeFileSync } from "node:fs";
import nodeModule from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// Node 22+ caches compiled code between starts (a faster `dash run`); Node 20 has no such cache.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
import { parseArgs } from "node:util";
import { limitFlags, limitsFrom, limitUsage } from "@dash/runtime/edge/limits.ts";
import { authConfigFrom, authFlags } from "@dash/runtime/auth/index.ts";
import { startApp } from "./app.ts";
import { findBuilt, readBuilt } from "./built.ts";

const usage = `Usage:
  npx dash run <app.ts | folder/> [--port 8501] [--host 127.0.0.1] [--no-open]
  npx dash serve <app.ts | folder/ | dist/> [--port 8501] [--host 127.0.0.1]
  npx dash build <app.ts | folder/> [--out dist/] [--asset-url https://cdn.example.com/app/]
  npx dash new <app.ts>

Options:
  --port <n>             port to listen on (env DASH_PORT; default 8501)
  --host <addr>          address to bind (env DASH_HOST; default 127.0.0.1)
  --script-timeout <s>   stop a run that blocks longer than this (env DASH_SCRIPT_TIMEOUT; default 10)
  --workers <n>          script worker threads (env DASH_WORKERS; default 2)
  --worker-memory <MB>   heap limit of each script worker; a script past it is stopped and
                         its viewer told (env DASH_WORKER_MEMORY; default 2048)
  --public-url <url>     the address viewers open, e.g. https://dash.example.com: the only origin
                         whose pages may open the WebSocket; without it, only localhost or an
                         IP address that the page was loaded from (env DASH_PUBLIC_URL)
  --allow-origin <url>   another origin allowed to open the WebSocket (repeatable)
  --redis-url <url>      Redis shared by the replicas of this app (env DASH_REDIS_URL)
  --drain-timeout <s>    on SIGTERM, hand viewers to other replicas and exit within this (env DASH_DRAIN_TIMEOUT; default 10)
  --out <dir>            build: the folder to write (env DASH_OUT; default dist)
  --asset-url <url>      build, serve: load the page's files from this URL, a CDN or bucket
                         holding dist/static/ (env DASH_ASSET_URL)

Sign-in (docs/deploy.md; each flag's environment twin in brackets):
  --auth <mode>          none | header:NAME | iap | alb | oidc  [DASH_AUTH]
                         (serve on a non-loopback --host refuses to start without one)
  --allow <list>         who may view: ada@example.com,@example.com,group:analysts  [DASH_ALLOW]
  --trusted-proxy <list>  the proxies in front of dash: loopback, addresses or CIDRs (10.0.0.0/8).
                         Their X-Forwarded-For names the viewer's address (for
                         --sessions-per-address); header mode believes their header (default
                         there: loopback)  [DASH_TRUSTED_PROXY]
  --iap-audience <aud>   iap: /projects/NUMBER/global/backendServices/ID  [DASH_IAP_AUDIENCE]
  --alb-arn <arn>        alb: the load balancer's ARN  [DASH_ALB_ARN]
  --alb-region <region>  alb: its region, e.g. eu-west-1  [DASH_ALB_REGION]
  --oidc-issuer <url>    oidc: the provider, e.g. https://accounts.google.com  [DASH_OIDC_ISSUER]
  --oidc-client-id <id>  oidc: the client id (secret in DASH_OIDC_CLIENT_SECRET)  [DASH_OIDC_CLIENT_ID]
  --oidc-scopes <list>   oidc: what to ask for (default "openid email profile"; add
                         "groups" or your provider's scope for groups when --allow names group:…)  [DASH_OIDC_SCOPES]
  --public-url <url>     oidc: the address viewers open (see above)  [DASH_PUBLIC_URL]
  --session-max-age <d>  oidc: how long a sign-in lasts (default 8h)  [DASH_SESSION_MAX_AGE]
                         oidc also needs DASH_COOKIE_SECRET (at least 32 bytes, the same on every replica)
  --no-open              do not open a browser

${limitUsage}`;

const starter = `import * as dash from "dash";

dash.title("Hello, dash");
const name = dash.textInput("Your name", { value: "world" });
const n = dash.slider("How many times?", { min: 1, max: 10, value: 3 });
dash.markdown(Array.from({ length: n }, () => \`Hello, **\${name}**!\`).join("  \\n"));
`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "script-timeout": { type: "string" },
      workers: { type: "string" },
      "worker-memory": { type: "string" },
      "allow-origin": { type: "string", multiple: true },
      "redis-url": { type: "string" },
      ...limitFlags,
      ...Object.fromEntries(Object.keys(authFlags).map((flag) => [flag, { type: "string" as const }])),
      "public-url": { type: "string" },
      "drain-timeout": { type: "string" },
      out: { type: "string" },
      "asset-url": { type: "string" },
      "no-open": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, entry] = positionals;
  if (values.help || !command) {
    console.log(usage);
    return;
  }
  if (command === "new") {
    const file = entry ?? "app.ts";
    if (existsSync(file)) throw new Error(`${file} already exists.`);
    writeFileSync(file, starter);
    console.log(`Wrote ${file}. Run it with: npx dash run ${file}`);
    return;
  }
  if (command !== "run" && command !== "serve" && command !== "build") throw new Error(`Unknown command "${command}".\n\n${usage}`);
  if (!entry) throw new Error(`Which script? e.g. npx dash ${command} app.ts`);
  const env = process.env;
  const assetUrl = (values["asset-url"] ?? env.DASH_ASSET_URL) || undefined;
  if (command === "build") {
    const out = values.out ?? env.DASH_OUT ?? "dist";
    const { buildApp } = await import("./bundle.ts");
    await buildApp({ entry, out, assetUrl, log: (line) => console.log(line) });
    console.log(`  Serve it with: npx dash serve ${out}  (or: node ${path.join(out, "server/main.js")})`);
    return;
  }
  const production = command === "serve";
  const drainTimeout = Number(values["drain-timeout"] ?? env.DASH_DRAIN_TIMEOUT ?? 10);
  if (!Number.isFinite(drainTimeout) || drainTimeout < 0)
    throw new Error(`--drain-timeout takes seconds (e.g. 10), not "${values["drain-timeout"] ?? env.DASH_DRAIN_TIMEOUT}".`);
  // A `dash build` output runs on the dash it was built with (its own copy of this file).
  const built = production ? findBuilt(entry) : null;
  if (built && path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..") !== built) {
    await import(pathToFileURL(path.join(built, "main.js")).href);
    return;
  }
  const app = await startApp({
    entry,
    ...(built ? { built: readBuilt(built, assetUrl) } : {}),
    port: Number(values.port ?? env.DASH_PORT ?? 8501),
    host: values.host ?? env.DASH_HOST ?? "127.0.0.1",
    watch: !production,
    production,
    scriptTimeout: Number(values["script-timeout"] ?? env.DASH_SCRIPT_TIMEOUT ?? 10),
    workers: Number(values.workers ?? env.DASH_WORKERS ?? 2),
    workerMemory: Number(values["worker-memory"] ?? env.DASH_WORKER_MEMORY ?? 2048),
    allowedOrigins: values["allow-origin"] ?? env.DASH_ALLOWED_ORIGINS?.split(",").filter(Boolean),
    publicUrl: values["public-url"] ?? env.DASH_PUBLIC_URL,
    redisUrl: values["redis-url"] ?? env.DASH_REDIS_URL,
    limits: limitsFrom(values, env),
    auth: authConfigFrom(values as Record<string, string | undefined>, env),
    trustedProxies: ((values as Record<string, string | undefined>)["trusted-proxy"] ?? env.DASH_TRUSTED_PROXY)?.split(","),
  });
  console.log(`\n  dash is serving ${entry}\n\n  ➜  ${app.url}\n`);
  const stop = (): void => {
    void app.close().then(() => process.exit(0));
  };
  let draining = false;
  // SIGTERM (a rolling deploy, a scale-down): hand the viewers over, then exit, within the timeout.
  const drainAndStop = (): void => {
    if (draining) return;
    draining = true;
    setTimeout(() => process.exit(0), drainTimeout * 1000).unref();
    void app
      .drain(drainTimeout * 1000)
      .then(() => app.close())
      .then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", drainAndStop);
}

main().catch((error: unknown) => {
  console.error(`dash: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
