/**
 * `rds-echo approval page [--out <file>] [--sandbox]`: write the approval confirmation page (src/approval/page.ts),
 * to publish where `promote.approval.pageUrl` says. Without --out the HTML goes to stdout.
 */
import type { CommandModule } from "yargs";
import { contextFrom, type GlobalArgs } from "../context.js";
import { run } from "../run.js";

interface ApprovalArgs extends GlobalArgs {
  action: "page";
  out?: string;
  sandbox: boolean;
}

export const approvalCommand: CommandModule<GlobalArgs, ApprovalArgs> = {
  command: "approval <action>",
  describe: "Write the approval confirmation page that e-mailed links open (publish it at promote.approval.pageUrl)",
  builder: (y) =>
    y
      .positional("action", { choices: ["page"] as const, demandOption: true })
      .option("out", { type: "string", describe: "write the page to this file (default: stdout)" })
      .option("sandbox", { type: "boolean", default: false, describe: "also accept links to the sandbox's loopback endpoint (sandbox serve)" })
      .example("$0 approval page --out approve.html", "write the page, then publish it (e.g. aws s3 cp)"),
  handler: (args) =>
    run(args, async () => {
      const [{ confirmationPage }, { writeFile }, path] = await Promise.all([import("../../approval/page.js"), import("node:fs/promises"), import("node:path")]);
      const { reporter } = contextFrom(args);
      const html = confirmationPage({ sandbox: args.sandbox });
      if (args.out === undefined) {
        process.stdout.write(html);
        return 0;
      }
      const file = path.resolve(args.out);
      try {
        await writeFile(file, html);
      } catch (error) {
        // A path the user gave: what is wrong with it is theirs to fix (exit 2), said in words, not a Node stack.
        const code = (error as NodeJS.ErrnoException).code;
        const why = code === "ENOENT" ? `the folder ${path.dirname(file)} does not exist; create it first` : code === "EISDIR" ? "it is a directory; name a file" : `it cannot be written (${code ?? String(error)})`;
        const { UsageError } = await import("../../errors.js");
        throw new UsageError(`--out ${args.out}: ${why}`);
      }
      reporter.data({ file, bytes: Buffer.byteLength(html), sandbox: args.sandbox });
      reporter.text(`wrote ${file} (${Buffer.byteLength(html)} bytes): publish it as text/html where promote.approval.pageUrl points`);
      return 0;
    }),
};
