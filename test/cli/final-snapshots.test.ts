import { mkdtemp, mkdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { developmentYaml, writeExample } from "../helpers/definitions.js";
import { rdsEcho, type CliResult } from "../helpers/cli.js";

let dir: string;
const env = { RDS_ECHO_SANDBOX_SPEED: "max", RDS_ECHO_SECRET_MASTER_PASSWORD: "s3cret-Pa55word" };
const definition = developmentYaml.replace("  keep: 1", "  keep: 0\n  keepFinalSnapshots: 2");

function cli(...args: string[]): CliResult {
  return rdsEcho([...args, "--dir", dir], { env });
}
const finalSnapshots = () =>
  (JSON.parse(cli("sandbox", "show", "--json").stdout).snapshots as { id: string }[]).map((s) => s.id).filter((id) => id.endsWith("-final")).sort();

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-final-snapshots-"));
  await mkdir(path.join(dir, "stacks"));
  await writeExample(dir, definition);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("retire.keepFinalSnapshots through the CLI (subprocesses on the sandbox)", () => {
  it("three retires with keepFinalSnapshots: 2 leave exactly the two newest final snapshots; preview and the confirmation show the deletion", () => {
    const generations: string[] = [];
    for (let i = 0; i < 4; i++) {
      const upped = cli("up", "development", "--sandbox", "--yes", "--promote", "--json");
      expect(upped.status, upped.stderr).toBe(0);
      generations.push(JSON.parse(upped.stdout).steps.find((s: { step: string }) => s.step === "new").generation);
      expect(cli("sandbox", "advance", "2m").status).toBe(0);
      if (i === 3) {
        // Before the third retire: two final snapshots exist, one more is coming, so the oldest would go.
        const preview = cli("preview", "development", "--sandbox", "--retire");
        expect(preview.stdout).toContain(`delete final snapshots beyond the newest 2 (retire.keepFinalSnapshots):\n  - rds:final-snapshot  ${generations[0]}-final`);
      }
      if (i > 0) {
        const retired = cli("retire", "development", "--sandbox", "--yes", "--json");
        expect(retired.status, retired.stderr).toBe(0);
        const steps = JSON.parse(retired.stdout).steps as { step: string; generation: string }[];
        expect(steps.filter((s) => s.step === "retire").map((s) => s.generation)).toEqual([generations[i - 1]]);
        expect(steps.filter((s) => s.step === "prune").map((s) => s.generation)).toEqual(i === 3 ? [generations[0]] : []);
        if (i === 3) expect(retired.stderr).toContain(`  - rds:final-snapshot  ${generations[0]}-final`);
      }
      expect(cli("sandbox", "advance", "21h").status).toBe(0);
    }
    expect(finalSnapshots()).toEqual([`${generations[1]}-final`, `${generations[2]}-final`]);
  });

  it("refuses a final snapshot name without {generation}, and keepFinalSnapshots without copyTagsToSnapshot, before any cloud call (exit 2)", async () => {
    const before = finalSnapshots();
    await writeExample(dir, definition.replace('finalSnapshotName: "{generation}-final"', 'finalSnapshotName: "{echo}-final"'));
    const fixed = cli("retire", "development", "--sandbox", "--yes");
    expect(fixed.status).toBe(2);
    expect(fixed.stderr).toContain("retire.finalSnapshotName");
    expect(fixed.stderr).toContain("must contain {generation}");
    await writeExample(dir, definition.replace("copyTagsToSnapshot: true", "copyTagsToSnapshot: false"));
    const untagged = cli("retire", "development", "--sandbox", "--yes");
    expect(untagged.status).toBe(2);
    expect(untagged.stderr).toContain("retire.keepFinalSnapshots");
    expect(untagged.stderr).toContain("needs instance.copyTagsToSnapshot: true");
    expect(finalSnapshots()).toEqual(before);
    await writeExample(dir, definition);
  });
});
