import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/live/**", "test/engine/**", "test/deploy/**", "test/**/*.db.test.ts"],
    // The Pulumi mock runtime is process-global: keep each file in its own process, files one after another per worker.
    pool: "forks",
    testTimeout: 30_000,
  },
});
