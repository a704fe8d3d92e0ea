import { defineConfig } from "vitest/config";

// The engine suite: the real Pulumi CLI and Automation API on a file backend, AWS played by moto behind a stand-in
// aws provider. See the README (Development, Engine suite). Files run one at a time: they share one moto, and each case is a chain of
// real CLI processes that a second core would only slow down.
export default defineConfig({
  test: {
    include: ["test/engine/**/*.engine.test.ts"],
    globalSetup: ["test/engine/harness/global-setup.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 10 * 60_000,
    hookTimeout: 40 * 60_000,
  },
});
