import { defineConfig } from "vitest/config";

/** The database suite: hooks against real PostgreSQL and MariaDB servers (test/db/harness), `npm run test:db`. */
export default defineConfig({
  test: {
    include: ["test/**/*.db.test.ts"],
    globalSetup: ["test/db/harness/global-setup.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
