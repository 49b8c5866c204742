/**
 * The pages of an app: one script, or a folder whose every script is a page (ordered by file name,
 * a leading `1_` setting the order). Used by the server, `dash build` and `dash/testing`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export function titleOf(name: string): string {
  const words = name
    .replace(/^\d+[_-]/, "")
    .replace(/[_-]+/g, " ")
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The folder an app reads its files from: the folder of its script, or its folder of pages. */
export function appFolderOf(entry: string): string {
  const absolute = path.resolve(entry);
  return existsSync(absolute) && statSync(absolute).isDirectory() ? absolute : path.dirname(absolute);
}

/**
 * The icon a page's script gives in `dash.page({ icon: "📈" })` (a string literal), for the
 * navigation, which lists every page before any of them runs.
 */
export function iconOf(source: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(source, "utf8");
  } catch {
    return undefined;
  }
  const match = /\bpage\(\s*\{[^}]*?\bicon\s*:\s*(["'`])([^"'`\n]{1,16})\1/.exec(text);
  return match?.[2];
}

/** The pages of an app: one script, or every .ts/.js file of a folder (sorted by name). */
export function findPages(entry: string): { pages: { name: string; source: string; title: string }[]; defaultPage: string } {
  const absolute = path.resolve(entry);
  if (!existsSync(absolute)) throw new Error(`No such file or folder: ${entry}`);
  if (!statSync(absolute).isDirectory()) {
    const name = path.basename(absolute).replace(/\.[cm]?[jt]sx?$/, "");
    return { pages: [{ name, source: absolute, title: titleOf(name) }], defaultPage: name };
  }
  const files = readdirSync(absolute)
    .filter((file) => /\.[cm]?[jt]sx?$/.test(file) && !file.endsWith(".d.ts") && !file.includes(".test."))
    .sort();
  if (!files.length) throw new Error(`${entry} holds no .ts or .js scripts.`);
  const pages = files.map((file) => {
    const name = file.replace(/\.[cm]?[jt]sx?$/, "").replace(/^\d+[_-]/, "");
    return { name, source: path.join(absolute, file), title: titleOf(name) };
  });
  return { pages, defaultPage: pages[0]!.name };
}
