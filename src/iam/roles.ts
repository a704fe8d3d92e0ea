/**
 * The policy files of policy/, by the role they are for. Kept apart from placeholders.ts so the command module can
 * name the roles without loading the definition schema (`rds-echo --help` stays cheap).
 */
export const POLICY_ROLES = ["driver", "source", "signer"] as const;
export type PolicyRole = (typeof POLICY_ROLES)[number];
export const POLICY_FILES: Readonly<Record<PolicyRole, string>> = {
  driver: "driver-policy.json",
  source: "source-role-policy.json",
  signer: "approval-signer-policy.json",
};
