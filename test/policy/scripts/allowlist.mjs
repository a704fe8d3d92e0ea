// Compares parliament's findings (one JSON a line, from parliament-findings.py) with policy/parliament-allowlist.json.
// Exit 1 when a finding is not explained there, or when an entry explains no finding any more (stale: delete it).
// A finding of a rendered file `driver-policy.everything.json` belongs to the policy file `driver-policy.json`.
import { readFileSync } from "node:fs";
import path from "node:path";

const [allowlistFile, findingsFile] = process.argv.slice(2);
const { findings: entries } = JSON.parse(readFileSync(allowlistFile, "utf8"));
const findings = readFileSync(findingsFile, "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line));

const policyFile = (rendered) => path.basename(rendered).replace(/\.[a-z]+\.json$/, ".json");
const where = (f) => `${f.sid ? `statement ${f.sid}` : "the whole policy"}: ${f.actions.join(", ")}`;
const same = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
// An entry explains a finding of its issue in its file, in its statement (none: the whole policy), about its actions.
const explains = (entry, f) => entry.issue === f.issue && entry.file === policyFile(f.file) && (entry.sid ?? null) === f.sid && same(entry.actions, f.actions);

const used = new Set();
const unexplained = [];
for (const f of findings) {
  const entry = entries.find((e) => explains(e, f));
  if (entry) used.add(entry);
  else unexplained.push(f);
  console.log(`${entry ? "allowed" : "FINDING"} ${f.issue} (${f.severity}) in ${path.basename(f.file)}, ${where(f)}${entry ? "" : ` — ${JSON.stringify(f.detail)}`}`);
}
const stale = entries.filter((e) => !used.has(e));
for (const e of stale) console.log(`STALE allowlist entry ${e.issue} in ${e.file}, ${e.sid ?? "the whole policy"}: ${e.actions.join(", ")} (parliament no longer reports it: remove it)`);
console.log(`parliament: ${findings.length} finding(s), ${findings.length - unexplained.length} explained by ${allowlistFile}, ${unexplained.length} not, ${stale.length} stale entr${stale.length === 1 ? "y" : "ies"}`);
process.exit(unexplained.length > 0 || stale.length > 0 ? 1 : 0);
