import { defineConfig } from "vitest/config";

// The engine suite: the real Pulumi CLI, moto and the stand-in aws provider (test/engine/). `npm run test:engine`.
export default defineConfig({
  test: {
    include: ["test/engine/**/*.engine.test.ts"],
    // Each file starts its own moto (and Pulumi processes): separate processes, long timeouts.
    pool: "forks",
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
