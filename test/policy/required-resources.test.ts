/**
 * Issue 18, item 8: an action is authorized against every resource type the AWS Service Authorization Reference marks
 * required for it (`*` in its "Resource types" column), so a policy that names some of them and not another denies
 * the call: DeleteDBCluster needs `cluster-snapshot` as well as `cluster` (a retire with a final snapshot), the
 * cluster restores need `og` as well as `cluster-pg` and `subgrp`.
 */
import { describe, expect, it } from "vitest";
import { list, policyFile } from "./iam.js";
import { REQUIRED, resourceType } from "./required.js";

describe.each(["driver", "source", "signer"] as const)("policy file %s: every required resource type of each allowed action is allowed", (role) => {
  it("names each one in a statement allowing that action", () => {
    const statements = policyFile(role).Statement;
    for (const action of new Set(statements.flatMap((s) => list(s.Action)))) {
      expect(REQUIRED, `${action}: add its required resource types to the table (from the Service Authorization Reference)`).toHaveProperty([action]);
      const types = new Set(statements.filter((s) => list(s.Action).includes(action)).flatMap((s) => list(s.Resource).map(resourceType)));
      for (const type of REQUIRED[action]!) expect(types.has(type) || types.has("*"), `${role}: ${action} needs a ${type} resource`).toBe(true);
    }
  });
});
