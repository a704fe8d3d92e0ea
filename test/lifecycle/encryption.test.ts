import { describe, expect, it } from "vitest";
import { productionKey } from "../../src/adapters/sandbox/seed.js";
import { loadEchoState } from "../../src/lifecycle/echo-state.js";
import { modifyGeneration } from "../../src/lifecycle/modify.js";
import { newGeneration } from "../../src/lifecycle/new.js";
import { rebootGeneration } from "../../src/lifecycle/reboot.js";
import { sandboxWorld, testDefinition } from "../helpers/sandbox.js";

describe("an encrypted snapshot", () => {
  it("pins its encryption at new, so modify and reboot update the instance instead of replacing it", async () => {
    const w = sandboxWorld();
    const { generation } = await newGeneration(w.ctx(), await loadEchoState(w.ports, w.definition));
    const key = productionKey(w.sandbox.world.region, w.sandbox.world.account);
    expect(await w.ports.engine.settings(generation)).toMatchObject({ storageEncrypted: true, kmsKeyId: key });
    expect(w.sandbox.world.rds.instances[generation]).toMatchObject({ encrypted: true, kmsKeyId: key });

    const restoredId = w.sandbox.world.rds.instances[generation]!.resourceId;
    await modifyGeneration(w.ctx(), await loadEchoState(w.ports, w.definition));
    await rebootGeneration(w.ctx(), await loadEchoState(w.ports, w.definition));
    const ops = w.output.diffs.flatMap((d) => d.changes.changes).filter((c) => c.type === "aws:rds/instance:Instance").map((c) => c.op);
    expect(ops).not.toContain("replace");
    expect(ops).toContain("update");
    // Still the database that was restored: same DbiResourceId, no second restore.
    expect(w.sandbox.world.rds.instances[generation]!.resourceId).toBe(restoredId);
  });

  it("pins an unencrypted snapshot as such, without a key", async () => {
    const w = sandboxWorld(testDefinition((d) => (d.source.snapshot = "production-db-before-upgrade")));
    const { generation } = await newGeneration(w.ctx(), await loadEchoState(w.ports, w.definition));
    const settings = await w.ports.engine.settings(generation);
    expect(settings).toMatchObject({ storageEncrypted: false });
    expect(settings?.kmsKeyId).toBeUndefined();
    await modifyGeneration(w.ctx(), await loadEchoState(w.ports, w.definition));
    expect(w.output.diffs.flatMap((d) => d.changes.changes).map((c) => c.op)).not.toContain("replace");
  });
});
