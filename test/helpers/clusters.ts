import { parse } from "yaml";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { ClusterEchoDefinition } from "../../src/definition/cluster-schema.js";
import { isClusterEcho } from "../../src/definition/schema.js";
import { definitionFrom, REPO_ROOT } from "./definitions.js";

/** The shipped cluster example (stacks/analytics.yaml) as YAML data. */
export function analyticsData(): Record<string, any> {
  return parse(readFileSync(path.join(REPO_ROOT, "stacks/analytics.yaml"), "utf8")) as Record<string, any>;
}

/** A cluster echo from the shipped example, changed by `mutate`. */
export function clusterDefinition(mutate: (data: Record<string, any>) => void = () => {}, echo = "analytics"): ClusterEchoDefinition {
  const data = analyticsData();
  mutate(data);
  const d = definitionFrom(data, echo);
  if (!isClusterEcho(d)) throw new Error("not a cluster echo");
  return d;
}
