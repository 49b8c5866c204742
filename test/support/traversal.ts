/**
 * Path traversal probes for every route that serves files: request targets sent byte for byte
 * (an HTTP client would normalise `..` away), each trying to read a file outside the folder
 * that route serves. `probeTraversal` says which ones leaked.
 */
import { rawAnswer } from "./raw-http.ts";

/** Files a probe tries to reach, with a string only that file holds. */
export const secrets = [
  { path: "etc/passwd", holds: "root:x:0:0" },
  { path: "package.json", holds: '"workspaces"' },
];

/** Targets reaching for `file` (a path relative to /) through `prefix` (e.g. `/_dash/`). */
export function traversalTargets(prefix: string, file: string): string[] {
  const up = (step: string, n = 12): string => step.repeat(n);
  const backslashed = file.replace(/\//g, "\\");
  return [
    `${prefix}${up("../")}${file}`,
    `${prefix}${up("%2e%2e/")}${file}`,
    `${prefix}${up("%2E%2E%2F")}${file.replace(/\//g, "%2F")}`,
    `${prefix}${up("..%2f")}${file}`,
    `${prefix}${up("%252e%252e%252f")}${file}`, // double-encoded
    `${prefix}${up("..%252f")}${file}`,
    `${prefix}${up("..\\")}${backslashed}`, // backslash
    `${prefix}${up("..%5c")}${file.replace(/\//g, "%5c")}`,
    `${prefix}${up("%c0%ae%c0%ae/")}${file}`, // overlong UTF-8
    `${prefix}${up("....//")}${file}`,
    `${prefix}${up("../")}${file}%00.js`, // NUL byte
    `${prefix}client.js%00/${up("../")}${file}`,
    `${prefix}%00${up("../")}${file}`,
    `${prefix}.%2e/${up(".%2e/")}${file}`,
    `${prefix}${up("..;/")}${file}`,
    `${prefix}/${file}`,
    `${prefix}${"/".repeat(3)}${file}`,
    `${prefix}${up("../")}${file}?v=1`,
    `${prefix}${up("../")}${file}#x`,
  ];
}

export interface RawAnswer {
  status: number | null;
  body: string;
}

/** Send one GET with `target` as is; the status and everything the server sent. */
export async function rawGet(port: number, target: string, timeout = 5000): Promise<RawAnswer> {
  const answer = await rawAnswer(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`, timeout);
  const status = /^HTTP\/1\.1 (\d{3})/.exec(answer);
  return { status: status ? Number(status[1]) : null, body: answer };
}

/** Every probe of every prefix; resolves with the targets whose answer held a secret (should be none) and the count tried. */
export async function probeTraversal(
  port: number,
  prefixes: string[],
  targets = secrets,
): Promise<{ tried: number; leaked: string[]; statuses: Map<number | null, number>; pages: number }> {
  const leaked: string[] = [];
  const statuses = new Map<number | null, number>();
  let tried = 0;
  let pages = 0; // answers that were the page shell
  for (const prefix of prefixes)
    for (const secret of targets)
      for (const target of traversalTargets(prefix, secret.path)) {
        const answer = await rawGet(port, target);
        tried++;
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.body.includes(secret.holds)) leaked.push(target);
        if (answer.status === 200 && answer.body.includes('<div id="app"></div>')) pages++;
      }
  return { tried, leaked, statuses, pages };
}
