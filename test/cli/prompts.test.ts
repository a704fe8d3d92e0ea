import { mkdtemp, mkdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { developmentYamlWithoutHooks, writeExample } from "../helpers/definitions.js";
import { rdsEcho } from "../helpers/cli.js";
import { HAS_SCRIPT, rdsEchoOnTty } from "../helpers/tty.js";

let dir: string;
const env = { RDS_ECHO_SANDBOX_SPEED: "max", RDS_ECHO_SECRET_MASTER_PASSWORD: "s3cret-Pa55word" };

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-prompts-"));
  await mkdir(path.join(dir, "stacks"));
  // The prompts, counted and answered in order, are the subject here: the example without its hooks step.
  await writeExample(dir, developmentYamlWithoutHooks);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe.skipIf(!HAS_SCRIPT)("answering the prompts at a terminal (subprocess on a pseudo-TTY)", () => {
  it("a 'no' at up's late prompt reports what was done and the skipped step, and exits 0", async () => {
    const r = await rdsEchoOnTty(["up", "development", "--sandbox", "--promote", "--dir", dir], ["y", "y", "y", "n"], env);
    expect(r.questions).toBe(4);
    expect(r.status, r.screen).toBe(0);
    const generation = /new {6}(development-\d{8}-\d{4}) {2}restored from/.exec(r.screen)?.[1];
    expect(generation).toBeDefined();
    expect(r.screen).toMatch(new RegExp(`modify {3}${generation}  post-create settings applied`));
    expect(r.screen).toMatch(new RegExp(`reboot {3}${generation}  rebooted`));
    expect(r.screen).toContain(`skipped  ${generation}  declined at the prompt (promote ${generation}); not done`);
    expect(r.screen).not.toContain("nothing was changed");
    // What the person declined really did not happen: the generation is rebooted, the CNAME has no record yet.
    const status = JSON.parse(rdsEcho(["status", "development", "--sandbox", "--json", "--dir", dir], { env }).stdout);
    expect(status.generations).toMatchObject([{ generation, stage: "rebooted" }]);
    expect(status.cnameTarget).toBeUndefined();
  });

  it("a 'no' at the first prompt says that nothing was changed, exit 0", async () => {
    const r = await rdsEchoOnTty(["promote", "development", "--sandbox", "--dir", dir], ["n"], env);
    expect(r.status, r.screen).toBe(0);
    expect(r.screen).toMatch(/skipped +- +declined at the prompt \(promote development-\d{8}-\d{4}\); nothing was changed/);
  });
});
