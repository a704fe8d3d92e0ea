import { defineConfig } from "vitest/config";

// The opt-in live suite: a real AWS account and a real Pulumi CLI. See test/live/lifecycle.live.test.ts.
export default defineConfig({
  test: {
    include: ["test/live/**/*.live.test.ts"],
    // A real restore takes hours.
    testTimeout: 72 * 3_600_000,
    hookTimeout: 600_000,
  },
});
