/** `rds-echo plan <echo> [--stage]`: the generation's resources at a stage, evaluated offline. */
import type { CommandModule } from "yargs";
import { PROGRAM_STAGES, type ProgramStage } from "../../program/stages.js";
import { contextFrom, type GlobalArgs } from "../context.js";
import { run } from "../run.js";

interface PlanArgs extends GlobalArgs {
  echo?: string;
  stage: ProgramStage;
  generation?: string;
}

export const planCommand: CommandModule<GlobalArgs, PlanArgs> = {
  command: "plan [echo]",
  describe: "Show offline what a generation declares at a stage (no Pulumi CLI, no AWS, no network)",
  builder: (y) =>
    y
      .positional("echo", { type: "string", describe: "echo name (stacks/<echo>.yaml); none: every definition in stacks/, in one process" })
      .option("stage", { choices: PROGRAM_STAGES, default: "new" as ProgramStage, describe: "stage to show" })
      .option("generation", { type: "string", describe: "generation name (default: one named for now)" })
      .example("$0 plan development", "the instance a new generation would restore")
      .example("$0 plan development --stage promoted --json", "everything, CNAME included, as JSON")
      .example("$0 plan", "every echo in stacks/ (what a definitions repository's CI runs)"),
  handler: (args) =>
    run(args, async () => {
      const { showPlan, showPlans } = await import("../handlers/plan.js");
      if (args.echo === undefined) return showPlans(contextFrom(args), { stage: args.stage });
      await showPlan(contextFrom(args), { echo: args.echo, stage: args.stage, generation: args.generation });
      return 0;
    }),
};
