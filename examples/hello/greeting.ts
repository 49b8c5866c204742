/** A local module: evaluated once per build, not on every rerun. */
export function greeting(name: string): string {
  return `Hello, **${name || "stranger"}**!`;
}
