import { parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { parseDefinition } from "../../src/definition/load.js";
import { REQUIRED_KEYS, definitionTemplate } from "../../src/definition/template.js";
import { definitionSchema } from "../../src/definition/schema.js";
import { DefinitionError } from "../../src/errors.js";
import { instanceEcho } from "../helpers/definitions.js";

describe("the config template", () => {
  it("does not validate until the required values are filled, and names exactly those", () => {
    try {
      parseDefinition(definitionTemplate("staging"), "stacks/staging.yaml", "staging");
      throw new Error("expected the unfilled template to be rejected");
    } catch (error) {
      expect(error).toBeInstanceOf(DefinitionError);
      const paths = (error as DefinitionError).issues.map((i) => i.path.replace(/ \(line \d+\)$/, ""));
      expect(paths.sort()).toEqual([...REQUIRED_KEYS].sort());
    }
  });

  it("validates once the required values are filled, keeping its comments", () => {
    const doc = parseDocument(definitionTemplate("staging"));
    doc.setIn(["region"], "eu-central-1");
    doc.setIn(["source", "instance"], "production-db");
    doc.setIn(["instance", "class"], "db.r6g.large");
    const filled = doc.toString();
    expect(filled).toContain("# rds-echo definition of the echo \"staging\"");
    const d = parseDefinition(filled, "stacks/staging.yaml", "staging");
    expect(d).toMatchObject({ echo: "staging", region: "eu-central-1", instance: { class: "db.r6g.large" } });
  });

  it("documents every optional setting, which validates when uncommented", () => {
    // Uncomment the optional lines (one leading "#" plus a space) and check the whole document still validates:
    // the template must never show a key or value the schema would refuse.
    // Commented settings are "# " followed by the line as it would stand; prose comments never look like "key:".
    const uncommented = definitionTemplate("staging")
      .split("\n")
      .map((l) => (/^# +[A-Za-z]+:/.test(l) ? l.slice(2) : l))
      .join("\n")
      .replace('region: ""', "region: eu-west-1")
      .replace('instance: ""', "instance: production-db")
      .replace('class: ""', "class: db.t3.medium")
      .replace(/^ {2}zoneId: .*$/m, "  zoneName: db.example.com");
    // Alternatives that exclude each other (as zoneId and zoneName do): a new snapshot, copied as the role, validates
    // without the explicit snapshot and the point in time; the point in time is checked on its own below.
    const newSnapshot = uncommented.replace(/^ {2}from: .*$/m, "  from: new-snapshot").replace(/^ {2}(snapshot|pointInTime): .*\n/gm, "");
    const d = instanceEcho(parseDefinition(newSnapshot, "stacks/staging.yaml", "staging"));
    expect(d.source).toMatchObject({ from: "new-snapshot", keep: 0, copy: { region: "eu-central-1" }, assumeRole: { externalId: "rds-echo" } });
    const pointInTime = filledTemplate().replace("#   from: latest-snapshot", "  from: point-in-time").replace("#   pointInTime: latest", "  pointInTime: latest");
    expect(instanceEcho(parseDefinition(pointInTime, "stacks/staging.yaml", "staging")).source).toMatchObject({ from: "point-in-time", pointInTime: "latest" });
    expect(d.modify.masterPassword).toEqual({ secret: "masterPassword" });
    expect(d.promote?.cname).toBe("staging.db.example.com");
    expect(d.instance.tags).toEqual({ team: "platform" });
    expect(d.retire.finalSnapshotName).toBe("{generation}-final");
    expect(d.promote?.approval).toMatchObject({ approvers: ["alice@example.com"], required: 1, expires: "3d", email: { from: "rds-echo@example.com" } });

    // And it shows every setting the schema knows: each key path of the schema is in the uncommented document.
    const shown = new Set(keyPaths(parseDocument(uncommented).toJS()));
    // promote.readerCname is a cluster echo's (refused on an instance echo): README's cluster reference and
    // stacks/analytics.yaml show it; the template is an instance echo's.
    const missing = schemaKeyPaths(definitionSchema).filter((k) => !shown.has(k) && k !== "promote.zoneId" && k !== "promote.readerCname");
    expect(missing).toEqual([]);
  });

  it("uncommenting one key of an optional section, with the section's line, is valid YAML that validates", () => {
    const lines = filledTemplate().split("\n");
    const at = (text: string) => lines.findIndex((l) => l.startsWith(text));
    for (const [header, key] of [["# modify:", "#   parameterGroup:"], ["# retire:", "#   keep:"], ["# guard:", "#   minAgeHours:"]] as const) {
      const edited = [...lines];
      edited[at(header)] = edited[at(header)]!.slice(2);
      // The key under its own header (source has a keep: too).
      const line = lines.findIndex((l, i) => i > at(header) && l.startsWith(key));
      edited[line] = edited[line]!.slice(2);
      expect(() => parseDefinition(edited.join("\n"), "stacks/staging.yaml", "staging"), `${header} ${key}`).not.toThrow();
    }
  });
});

function filledTemplate(): string {
  return definitionTemplate("staging").replace('region: ""', "region: eu-west-1").replace('instance: ""', "instance: production-db").replace('class: ""', "class: db.t3.medium");
}

/** Dotted key paths of plain data, maps only (what a definition file's keys are). */
function keyPaths(value: unknown, prefix = ""): string[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => [`${prefix}${k}`, ...(k === "tags" ? [] : keyPaths(v, `${prefix}${k}.`))]);
}

/** Dotted key paths the schema accepts, through its optional, default and refinement wrappers. */
function schemaKeyPaths(schema: unknown, prefix = ""): string[] {
  let def = (schema as { _zod: { def: Record<string, any> } })._zod.def;
  while (def["innerType"] || def["in"]) def = (def["innerType"] ?? def["in"])._zod.def;
  if (def["type"] !== "object") return [];
  return Object.entries(def["shape"] as Record<string, unknown>).flatMap(([k, v]) => [`${prefix}${k}`, ...schemaKeyPaths(v, `${prefix}${k}.`)]);
}
