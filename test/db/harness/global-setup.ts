/** Starts the database suite's servers once, hands their URLs to the tests, and stops and removes them after. */
import type { TestProject } from "vitest/node";
import { startMariadb, startPostgres, type RunningServer } from "./servers.js";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
    /** Empty when MariaDB could not be installed or started here (the MySQL tests then say so and skip). */
    mariadbUrl: string;
    mariadbProblem: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const servers: RunningServer[] = [];
  const postgres = await startPostgres();
  servers.push(postgres);
  project.provide("postgresUrl", postgres.url);
  try {
    const mariadb = await startMariadb();
    servers.push(mariadb);
    project.provide("mariadbUrl", mariadb.url);
    project.provide("mariadbProblem", "");
  } catch (error) {
    project.provide("mariadbUrl", "");
    project.provide("mariadbProblem", (error as Error).message);
  }
  return async () => {
    for (const s of servers.reverse()) await s.stop();
  };
}
