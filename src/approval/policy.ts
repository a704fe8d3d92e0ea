/**
 * The IAM policy of the dedicated principal whose keys sign approval links. A presigned URL carries that principal's
 * authority to anyone holding the link, so it may do exactly one thing: set `echo:approval:*` tags on DB instances of
 * this echo that rds-echo created (tagged `echo:managed` = <echo>). It can neither remove tags, nor set `echo:stage`,
 * `echo:request:*` or any other key, nor touch another echo's or an unmanaged instance, nor call anything else.
 *
 * `policy/approval-signer-policy.json` is the same document with `${Region}`, `${Account}`, `${Echo}` placeholders,
 * for CloudFormation/Terraform users; a test keeps the two identical.
 */
import { TAG_MANAGED } from "../program/tags.js";
import { APPROVAL_TAG_PREFIX } from "./requests.js";

/** An IAM policy document, as much of the grammar as this policy uses. */
export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** The link-signing principal's policy for one echo in one account and region. */
export function approvalSignerPolicy({ region, account, echo }: { region: string; account: string; echo: string }): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "SetApprovalTagsOnThisEchosGenerations",
        Effect: "Allow",
        Action: "rds:AddTagsToResource",
        // A generation is an instance, or (a cluster echo) a cluster: approval tags go on the cluster. Its name exactly
        // (`?` is one character), so another echo sharing the prefix (`<echo>-eu-…`) never matches.
        Resource: [`arn:aws:rds:${region}:${account}:db:${echo}-????????-????`, `arn:aws:rds:${region}:${account}:cluster:${echo}-????????-????`],
        Condition: {
          // Every key in the request must be an approval key (AddTagsToResource always carries at least one tag).
          "ForAllValues:StringLike": { "aws:TagKeys": `${APPROVAL_TAG_PREFIX}*` },
          // Only instances rds-echo created for this echo, not anything that merely shares the name prefix.
          StringEquals: { [`aws:ResourceTag/${TAG_MANAGED}`]: echo },
        },
      },
    ],
  };
}
