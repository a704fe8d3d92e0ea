/**
 * Every command that changes an echo's stacks stands aside while another run holds the echo's lease, before it reads
 * or changes anything: not only the steps `up` runs, but the scrub run by hand (`hooks`) and an adoption
 * (`migrate --adopt`). The lease is taken here, in the test's own process (alive, on this host), as a run on another
 * terminal or host would hold it.
 */
import { appendFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileLeaseStore } from "../../src/adapters/lease/file-store.js";
import { thisHolder } from "../../src/adapters/lease/holder.js";
import { acquireLease } from "../../src/adapters/lease/lease.js";
import { LEASES_DIR } from "../../src/adapters/pulumi/backend-access.js";
import { fileBackendDir } from "../../src/adapters/pulumi/locks.js";
import { resetMoto } from "./harness/aws.js";
import { stackList } from "./harness/cli.js";
import { makeProject, seedAccount, type Project } from "./harness/project.js";
import { EngineEnv, suite } from "./harness/suite.js";

let project: Project;
let env: EngineEnv;

beforeEach(async () => {
  await resetMoto();
  await seedAccount({ endpoint: suite().motoEndpoint, region: suite().motoEnv["AWS_REGION"]! });
  project = makeProject();
  // A scrub to run by hand: inline SQL, so no hook file is needed.
  appendFileSync(path.join(project.root, "stacks", "development.yaml"), '\nhooks:\n  afterRestore:\n    - sql: "select 1"\n');
  env = new EngineEnv(project);
});
afterEach(() => {
  env.dispose();
  project.remove();
});

describe("a held echo", () => {
  it("up, hooks and migrate --adopt each say busy (exit 0), naming the holder, and touch no stack", async () => {
    const store = new FileLeaseStore(path.join(fileBackendDir(project.backendUrl)!, LEASES_DIR));
    const got = await acquireLease(store, "development", thisHolder(process.env), { ttlMs: 120_000 }, () => undefined);
    expect(got.held).toBe(true);
    try {
      for (const args of [["up", "development", "--yes"], ["hooks", "development"], ["migrate", "--adopt", "development", "--yes"]]) {
        const run = await env.run(args);
        const said = run.stdout + run.stderr;
        expect(run.code, `${args.join(" ")}: ${said}`).toBe(0);
        expect(said, args.join(" ")).toMatch(new RegExp(`another run is updating it: pid ${process.pid} on `));
        // Nothing was read past the listing, nothing changed: no preview, update, import or config refresh.
        const changing = run.pulumiCalls.map((c) => c.argv.join(" ")).filter((line) => /\b(preview|up|import|refresh|destroy|config|init|export)\b/.test(line));
        expect(changing, args.join(" ")).toEqual([]);
      }
      expect(stackList(env)).toEqual([]);
    } finally {
      if (got.held) await got.lease.release();
    }
  });
});
