/**
 * deploy/: the Kubernetes manifests and the CloudFormation template parse and hold the settings
 * docs/deploy.md promises (probes, preStop, timeouts, draining, IAP, HPA, PDB, Redis, ALB idle
 * timeout, Cognito, Fargate autoscaling), and the Dockerfile's image is built as a file tree:
 * its steps replayed into a temp folder (no Docker engine here; `npm ci` is replaced by a
 * hard-linked copy of the installed node_modules, as there is no network), then the final
 * stage's tree is started with the image's CMD, ENV and working directory, and answers /healthz
 * and the page.
 */
import { execFile, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, test } from "vitest";
import { root } from "./harness.ts";

// js-yaml is already installed (eslint's own YAML reader); no dependency is added for it.
const { loadAll } = createRequire(import.meta.url)("js-yaml") as { loadAll(text: string): unknown[] };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed manifests are walked by path
type Doc = any;

const deploy = path.join(root, "deploy");
const read = (file: string): Doc[] => loadAll(readFileSync(path.join(deploy, file), "utf8")).filter(Boolean);
const folder = mkdtempSync(path.join(tmpdir(), "dash-image-"));
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of stops) await stop();
  rmSync(folder, { recursive: true, force: true });
});

describe("deploy/gke", () => {
  const docs = readdirSync(path.join(deploy, "gke"))
    .filter((file) => file.endsWith(".yaml"))
    .flatMap((file) => read(`gke/${file}`));
  const find = (kind: string, name: string): Doc => {
    const found = docs.find((doc) => doc.kind === kind && doc.metadata?.name === name);
    expect(found, `${kind} ${name}`).toBeDefined();
    return found;
  };

  test("every manifest has apiVersion, kind and a name; kustomization lists every file", () => {
    for (const doc of docs) {
      expect(doc.apiVersion).toMatch(/\w/);
      expect(doc.kind).toMatch(/^[A-Z]/);
      if (doc.kind !== "Kustomization") expect(doc.metadata.name).toMatch(/^[a-z][a-z0-9-]*$/);
    }
    const kustomization = find("Kustomization", undefined as unknown as string);
    const files = readdirSync(path.join(deploy, "gke")).filter((file) => file.endsWith(".yaml") && file !== "kustomization.yaml");
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  test("a Deployment of 3 behind IAP, ready on /healthz, pausing before SIGTERM, draining within its grace period", () => {
    const deployment = find("Deployment", "dash");
    expect(deployment.apiVersion).toBe("apps/v1");
    expect(deployment.spec.replicas).toBe(3);
    const pod = deployment.spec.template.spec;
    expect(deployment.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    const [container] = pod.containers;
    expect(container.readinessProbe.httpGet.path).toBe("/healthz");
    expect(container.lifecycle.preStop.exec.command).toEqual(["sleep", "5"]);
    const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env).toMatchObject({ DASH_AUTH: "iap", DASH_HOST: "0.0.0.0", DASH_PORT: "8080", DASH_REDIS_URL: "redis://dash-redis:6379" });
    expect(env.DASH_IAP_AUDIENCE).toMatch(/^\/projects\/\w+\/global\/backendServices\/\w+$/);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(5 + Number(env.DASH_DRAIN_TIMEOUT));
    expect(container.ports[0].containerPort).toBe(Number(env.DASH_PORT));
  });

  test("Service, BackendConfig (WebSocket timeout, draining, IAP), Ingress, HPA, PDB and Redis fit together", () => {
    const service = find("Service", "dash");
    expect(JSON.parse(service.metadata.annotations["cloud.google.com/backend-config"])).toEqual({ default: "dash" });
    expect(service.spec.selector).toEqual({ app: "dash" });
    const backend = find("BackendConfig", "dash");
    expect(backend.spec.timeoutSec).toBeGreaterThanOrEqual(300);
    expect(backend.spec.connectionDraining.drainingTimeoutSec).toBeGreaterThan(0);
    expect(backend.spec.healthCheck.requestPath).toBe("/healthz");
    expect(backend.spec.iap.enabled).toBe(true);
    expect(find("Ingress", "dash").spec.defaultBackend.service.name).toBe("dash");
    const hpa = find("HorizontalPodAutoscaler", "dash");
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: "Deployment", name: "dash" });
    expect(hpa.spec.minReplicas).toBe(3);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(3);
    const pdb = find("PodDisruptionBudget", "dash");
    expect(pdb.spec.selector.matchLabels).toEqual({ app: "dash" });
    expect(pdb.spec.minAvailable).toBeLessThan(3);
    expect(find("Service", "dash-redis").spec.ports[0].port).toBe(6379);
    expect(find("Deployment", "dash-redis").spec.template.spec.containers[0].image).toMatch(/^redis:7/);
  });
});

describe("deploy/aws", () => {
  const [template] = read("aws/dash.yaml");
  const resources = template.Resources as Record<string, { Type: string; Properties: Doc }>;
  const one = (type: string): Doc => {
    const found = Object.values(resources).filter((resource) => resource.Type === type);
    expect(found, type).toHaveLength(1);
    return found[0]!.Properties;
  };

  test("every Ref and GetAtt names a resource or parameter", () => {
    const names = new Set([...Object.keys(resources), ...Object.keys(template.Parameters), "AWS::Region"]);
    const walk = (node: Doc): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!node || typeof node !== "object") return;
      if ("Ref" in node) expect(names, `Ref ${node.Ref}`).toContain(node.Ref);
      if ("Fn::GetAtt" in node) expect(names).toContain(node["Fn::GetAtt"][0]);
      if ("Fn::Sub" in node) for (const [, name] of String(node["Fn::Sub"]).matchAll(/\$\{([\w:]+)/g)) expect(names, `Sub ${name}`).toContain(name);
      Object.values(node).forEach(walk);
    };
    walk(resources);
  });

  test("an ALB with an idle timeout of at least 300 s that signs in with Cognito, and Fargate tasks that verify it, scaling on CPU", () => {
    const attributes = Object.fromEntries(one("AWS::ElasticLoadBalancingV2::LoadBalancer").LoadBalancerAttributes.map((a: Doc) => [a.Key, a.Value]));
    expect(Number(attributes["idle_timeout.timeout_seconds"])).toBeGreaterThanOrEqual(300);
    const listeners = Object.values(resources).filter((r) => r.Type === "AWS::ElasticLoadBalancingV2::Listener");
    const https = listeners.find((listener) => listener.Properties.Protocol === "HTTPS")!.Properties;
    expect(https.DefaultActions.map((action: Doc) => action.Type)).toEqual(["authenticate-cognito", "forward"]);
    const group = one("AWS::ElasticLoadBalancingV2::TargetGroup");
    expect(group.HealthCheckPath).toBe("/healthz");
    const task = one("AWS::ECS::TaskDefinition");
    expect(task.RequiresCompatibilities).toEqual(["FARGATE"]);
    const [container] = task.ContainerDefinitions;
    expect(container.User).toBe("1000");
    const env = Object.fromEntries(container.Environment.map((e: Doc) => [e.Name, e.Value]));
    expect(env.DASH_AUTH).toBe("alb");
    expect(env.DASH_ALB_ARN).toEqual({ Ref: "LoadBalancer" });
    expect(env.DASH_ALB_REGION).toEqual({ Ref: "AWS::Region" });
    expect(env.DASH_REDIS_URL["Fn::Sub"]).toMatch(/^redis:\/\//);
    expect(container.StopTimeout).toBeGreaterThan(Number(env.DASH_DRAIN_TIMEOUT));
    expect(one("AWS::ECS::Service").LaunchType).toBe("FARGATE");
    expect(one("AWS::ApplicationAutoScaling::ScalingPolicy").TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType).toBe(
      "ECSServiceAverageCPUUtilization",
    );
  });
});

/** The Dockerfile's stages: each FROM with the instructions after it (comments and blank lines dropped). */
function stagesOf(dockerfile: string): { from: string; name?: string; steps: [string, string][] }[] {
  const stages: { from: string; name?: string; steps: [string, string][] }[] = [];
  for (const line of dockerfile.replace(/\\\n/g, " ").split("\n")) {
    if (!line.trim() || line.trimStart().startsWith("#")) continue;
    const [, instruction, rest] = /^\s*(\w+)\s+(.*)$/.exec(line)!;
    if (instruction === "FROM") {
      const [, from, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest!.trim())!;
      stages.push({ from: from!, ...(name ? { name } : {}), steps: [] });
    } else stages.at(-1)!.steps.push([instruction!, rest!.trim()]);
  }
  return stages;
}

describe("deploy/Dockerfile", () => {
  const stages = stagesOf(readFileSync(path.join(deploy, "Dockerfile"), "utf8"));

  test("multi-stage: dash build in one, node:20-slim running dist/server/main.js as a non-root user in the other", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const final = stages.at(-1)!;
    expect(final.from).toBe("node:20-slim");
    const user = final.steps.filter(([instruction]) => instruction === "USER").at(-1)?.[1];
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(final.steps.find(([instruction]) => instruction === "CMD")?.[1]).toBe('["node", "dist/server/main.js"]');
    expect(stages[0]!.steps.some(([instruction, rest]) => instruction === "RUN" && rest.includes("npx dash build"))).toBe(true);
    // Nothing of the build stage but dist/ reaches the image.
    expect(final.steps.filter(([instruction]) => instruction === "COPY").map(([, rest]) => rest)).toEqual([
      "--from=build --chown=node:node /app/dist /app/dist",
    ]);
  });

  test("its file tree, built by replaying the steps, serves /healthz and the page", async () => {
    const ignored = readFileSync(path.join(deploy, "Dockerfile.dockerignore"), "utf8")
      .split("\n")
      .filter((line) => line.trim() && !line.startsWith("#"))
      .map((pattern) => pattern.replace(/^\*\*\//, ""));
    const buildArgs: Record<string, string> = { APP: "examples/hello/app.ts" };
    const trees = new Map<string, string>();
    let final: { root: string; workdir: string; env: Record<string, string>; cmd: string[] } | null = null;
    for (const [index, stage] of stages.entries()) {
      const tree = path.join(folder, `stage-${index}`);
      mkdirSync(tree, { recursive: true });
      if (stage.name) trees.set(stage.name, tree);
      let workdir = "/";
      const env: Record<string, string> = {};
      let cmd: string[] = [];
      // Absolute paths in a step mean paths in this stage's tree.
      const inTree = (text: string): string => text.replace(/(^|[\s=])\/(?=\w)/g, `$1${tree}/`);
      for (const [instruction, rest] of stage.steps) {
        switch (instruction) {
          case "WORKDIR":
            workdir = path.posix.resolve(workdir, rest);
            mkdirSync(path.join(tree, workdir), { recursive: true });
            break;
          case "ARG": {
            const [name, value = ""] = rest.split("=");
            env[name!] = buildArgs[name!] ?? value;
            break;
          }
          case "ENV":
            for (const [, name, value] of rest.matchAll(/(\w+)=(\S+)/g)) env[name!] = value!;
            break;
          case "COPY": {
            const words = rest.split(/\s+/);
            const from = words.find((word) => word.startsWith("--from="))?.slice(7);
            const [source, target] = words.filter((word) => !word.startsWith("--"));
            const into = path.join(tree, path.posix.resolve(workdir, target!));
            if (from) cpSync(path.join(trees.get(from)!, source!), into, { recursive: true });
            else
              cpSync(path.join(root, source!), into, {
                recursive: true,
                filter: (file) => !ignored.some((pattern) => path.relative(root, file).split(path.sep).includes(pattern)),
              });
            break;
          }
          case "RUN": {
            const cwd = path.join(tree, workdir);
            if (rest === "npm ci") {
              // No network here: the lockfile's packages as installed, then npm ci's prepare script.
              await promisify(execFile)("cp", ["-al", path.join(root, "node_modules"), path.join(cwd, "node_modules")]);
              rmSync(path.join(cwd, "node_modules/.cache"), { recursive: true, force: true });
              await promisify(execFile)("npm", ["run", "prepare", "--if-present"], { cwd, timeout: 120_000 });
            } else await promisify(execFile)("sh", ["-c", inTree(rest)], { cwd, env: { ...process.env, ...env }, timeout: 170_000 });
            break;
          }
          case "CMD":
            cmd = JSON.parse(rest) as string[];
            break;
        }
      }
      final = { root: tree, workdir, env, cmd };
    }

    // The image holds dist/ and nothing from the build (no node_modules anywhere above it).
    const app = path.join(final!.root, final!.workdir);
    expect(readdirSync(app)).toEqual(["dist"]);
    expect(existsSync(path.join(app, "node_modules"))).toBe(false);

    // Run it as the container would, but on loopback (tests never listen elsewhere) and a free port.
    const [command, ...args] = final!.cmd;
    expect(command).toBe("node");
    const child = spawn(process.execPath, args, {
      cwd: app,
      env: { PATH: process.env.PATH, ...final!.env, DASH_HOST: "127.0.0.1", DASH_PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    stops.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    });
    let output = "";
    child.stderr.on("data", (chunk: Buffer) => (output += String(chunk)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        output += String(chunk);
        const found = /➜\s+(http:\/\/\S+)/.exec(output);
        if (found) resolve(found[1]!);
      });
      void exited.then(() => reject(new Error(`the image's server exited: ${output}`)));
    });
    expect(final!.env.NODE_ENV).toBe("production");
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const page = await (await fetch(url)).text();
    const script = /src="(\/_dash\/client\.[0-9a-f]{12}\.js)"/.exec(page)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(url + script);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  }, 400_000);
});
