import { defineConfig } from "vitest/config";

// Pulumi CLI processes per rds-echo command, counted through the engine suite's shim (real CLI, moto). Run by
// `npm run bench`, which prints the figures; not part of the engine suite, since it measures and asserts nothing.
export default defineConfig({
  test: {
    include: ["test/engine/bench/*.bench-engine.ts"],
    globalSetup: ["test/engine/harness/global-setup.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 20 * 60_000,
    hookTimeout: 40 * 60_000,
  },
});
