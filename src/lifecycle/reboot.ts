/** `reboot`: reboot so pending settings take effect (skipped when RDS reports nothing pending, unless forced). */
import { confirmChanges } from "./confirm.js";
import type { StepContext, StepReport } from "./context.js";
import type { EchoState } from "./echo-state.js";
import { generationIn, requireAvailable } from "./guards.js";
import { applyMove, previewMove, settingsAt } from "./stage-update.js";
import { waitForAvailable } from "./wait.js";
import { databaseReader, rebootDatabase } from "./database.js";

export async function rebootGeneration(ctx: StepContext, state: EchoState): Promise<StepReport> {
  const { ports, options } = ctx;
  const generation = generationIn(state, "reboot", "modified");
  requireAvailable(generation, "reboot");
  const reboot = generation.instance?.pendingReboot === true || options.force;
  const message = `reboot ${generation.name}`;
  const settings = await settingsAt(ctx, generation.name, "rebooted");
  const stageMove = await previewMove(ctx, generation.name, settings, message);
  const rebootChange = { label: `${message}: ${generation.instance?.pendingReboot ? "RDS reports settings pending a reboot" : "forced (--force)"}`, set: { changes: [{ op: "update" as const, type: "rds:RebootDBInstance", name: generation.name }] } };
  await confirmChanges(ports, message, reboot ? [rebootChange, stageMove] : [stageMove], options);
  if (reboot) {
    ports.output.step(`rebooting ${generation.name}`);
    const rebooted = await rebootDatabase(ports, ctx.definition, generation.name, options.force);
    if (rebooted.length > 0 && rebooted[0] !== generation.name) ports.output.step(`rebooted ${rebooted.join(", ")}`);
    await waitForAvailable(ports, generation.name, { timeoutMs: 4 * 3_600_000, afterChange: true, read: databaseReader(ports, ctx.definition) });
  } else {
    ports.output.step(`${generation.name}: RDS reports nothing pending a reboot; not rebooting (--force reboots anyway)`);
  }
  await applyMove(ctx, generation.name, settings, message);
  return { step: "reboot", generation: generation.name, detail: reboot ? "rebooted" : "nothing pending; reboot skipped" };
}
