import { defineConfig } from "vitest/config";

// End-to-end tests drive real Chromium against `dash run`; one file at a time on 2 cores.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    pool: "forks",
  },
});
