import { defineConfig } from "vitest/config";

/** The database suite: hooks against real PostgreSQL and MariaDB servers (test/db/harness), `npm run test:db`. */
export default defineConfig({
  test: {
    include: ["test/**/*.db.test.ts"],
    globalSetup: ["test/db/harness/global-setup.ts"],
    pool: "forks",
    // One file at a time: the CLI tests' generations are named from the clock (development-<yyyymmdd>-<hhmm>), so two
    // files at once could restore into, and clean up, the same database on the shared server.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
