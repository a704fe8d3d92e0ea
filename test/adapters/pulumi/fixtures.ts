/**
 * Realistic Pulumi data for the Automation adapter's tests: engine events as the CLI's event log carries them,
 * `pulumi stack history --json`, `pulumi stack ls --json`, `pulumi config --json` and a `pulumi stack export` of a
 * generation whose restore was interrupted (a pending "creating" operation on the instance).
 */
import { DiffKind, type Deployment, type EngineEvent, type OpType, type StepEventMetadata } from "@pulumi/pulumi/automation/index.js";

export const GENERATION = "development-20261125-1230";
const PREFIX = `urn:pulumi:${GENERATION}::rds-echo::`;
export const STACK_URN = `${PREFIX}pulumi:pulumi:Stack::rds-echo-${GENERATION}`;
export const PROVIDER_URN = `${PREFIX}pulumi:providers:aws::aws`;
export const PROVIDER_ID = "8f2e0a44-5b3c-4d1e-9a6f-0c7d2b1e4f30";
export const INSTANCE_URN = `${PREFIX}aws:rds/instance:Instance::db`;
export const RECORD_URN = `${PREFIX}aws:route53/record:Record::cname`;

const TYPES: Record<string, string> = {
  [STACK_URN]: "pulumi:pulumi:Stack",
  [PROVIDER_URN]: "pulumi:providers:aws",
  [INSTANCE_URN]: "aws:rds/instance:Instance",
  [RECORD_URN]: "aws:route53/record:Record",
};

let sequence = 0;

/** A `resourcePreEvent` as the CLI writes it to the event log (one JSON object per line). */
export function preEvent(op: OpType, urn: string, extra: Partial<StepEventMetadata> = {}): EngineEvent {
  const type = TYPES[urn] ?? "unknown";
  const state = {
    type,
    urn,
    custom: type !== "pulumi:pulumi:Stack",
    id: op === "create" ? "" : GENERATION,
    parent: urn === STACK_URN ? "" : STACK_URN,
    inputs: { identifier: GENERATION },
    outputs: {},
    provider: urn === STACK_URN || urn === PROVIDER_URN ? "" : `${PROVIDER_URN}::${PROVIDER_ID}`,
  };
  sequence += 1;
  return {
    sequence,
    timestamp: 1795609862 + sequence,
    resourcePreEvent: {
      metadata: {
        op,
        urn,
        type,
        ...(op === "create" ? {} : { old: state }),
        ...(op === "delete" ? {} : { new: state }),
        provider: state.provider,
        ...extra,
      },
      planning: true,
    },
  };
}

/** The events of an update that promotes a rebooted generation: instance tags change, the CNAME is created. */
export function promoteEvents(): EngineEvent[] {
  return [
    { sequence: 0, timestamp: 1795609862, preludeEvent: { config: { "rds-echo:stage": "promoted" } } },
    preEvent("same", STACK_URN),
    preEvent("same", PROVIDER_URN),
    preEvent("update", INSTANCE_URN, {
      diffs: ["tags", "tagsAll"],
      detailedDiff: { "tags.echo:stage": { diffKind: DiffKind.update, inputDiff: true } },
    }),
    { sequence: 90, timestamp: 1795609863, diagnosticEvent: { message: "warning: something\n", color: "never", severity: "warning" } },
    preEvent("create", RECORD_URN),
    {
      sequence: 99,
      timestamp: 1795609900,
      summaryEvent: { maybeCorrupt: false, durationSeconds: 38, resourceChanges: { same: 2, update: 1, create: 1 }, policyPacks: {} },
    },
  ];
}

/**
 * The root stack's resource-outputs event, as the event log carries it after the program returned: its outputs are
 * the stack outputs, a secret masked as the log writes it without --show-secrets.
 */
export function rootOutputsEvent(outputs: Record<string, unknown>): EngineEvent {
  sequence += 1;
  const state = { type: "pulumi:pulumi:Stack", urn: STACK_URN, custom: false, id: "", parent: "", inputs: {}, outputs, provider: "" };
  return { sequence, timestamp: 1795609862 + sequence, resOutputsEvent: { metadata: { op: "same", urn: STACK_URN, type: state.type, old: state, new: state, provider: "" }, planning: false } };
}

/** The three steps Pulumi reports for one replacement (a changed snapshot forces a new instance). */
export function replaceEvents(): EngineEvent[] {
  return [
    preEvent("create-replacement", INSTANCE_URN, { keys: ["snapshotIdentifier"], diffs: ["snapshotIdentifier"] }),
    preEvent("replace", INSTANCE_URN, { keys: ["snapshotIdentifier"], diffs: ["snapshotIdentifier", "tags"] }),
    preEvent("delete-replaced", INSTANCE_URN),
  ];
}

/** `pulumi stack history --json` (newest first) for a generation taken to promoted, as the CLI prints it. */
export const HISTORY_JSON = `[
    {
        "version": 4,
        "kind": "update",
        "startTime": "2026-11-26T09:00:04.000Z",
        "message": "promote ${GENERATION}",
        "environment": { "exec.kind": "auto.inline", "pulumi.version": "v3.248.0", "pulumi.os": "linux", "pulumi.arch": "x64" },
        "config": {
            "rds-echo:echo": { "value": "development", "secret": false },
            "rds-echo:masterPassword": { "secret": true },
            "rds-echo:snapshot": { "value": "rds:production-2026-11-25-03-10", "secret": false },
            "rds-echo:stage": { "value": "promoted", "secret": false }
        },
        "result": "succeeded",
        "endTime": "2026-11-26T09:00:41.000Z",
        "resourceChanges": { "create": 1, "same": 2, "update": 1 }
    },
    {
        "version": 3,
        "kind": "refresh",
        "startTime": "2026-11-26T08:55:00.000Z",
        "message": "recover ${GENERATION}",
        "environment": {},
        "config": {},
        "result": "failed",
        "endTime": "2026-11-26T08:55:09.000Z",
        "resourceChanges": { "same": 3, "refresh": 3 }
    },
    {
        "version": 2,
        "kind": "preview",
        "startTime": "2026-11-25T15:00:00.000Z",
        "message": "",
        "environment": {},
        "config": {},
        "result": "in-progress"
    },
    {
        "version": 1,
        "kind": "update",
        "startTime": "2026-11-25T12:31:02.000Z",
        "message": "new ${GENERATION}",
        "environment": {},
        "config": {},
        "result": "succeeded",
        "endTime": "2026-11-25T15:02:40.000Z",
        "resourceChanges": { "create": 3 }
    }
]`;

/** How the SDK's `Stack.history` parses that output (it revives the two time fields as Dates). */
export function parseHistory(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) => ((key === "startTime" || key === "endTime") && typeof value === "string" ? new Date(value) : value));
}

/** `pulumi stack ls --json` on a file backend: one updated generation, one just created. */
export const STACK_LS_JSON = `[
    {
        "name": "${GENERATION}",
        "current": false,
        "lastUpdate": "2026-11-26T09:00:41.000Z",
        "updateInProgress": false,
        "resourceCount": 4
    },
    {
        "name": "development-20261126-1230",
        "current": true,
        "updateInProgress": false
    }
]`;

/** `pulumi config --show-secrets --json` of a generation at `rebooted` with a master password secret. */
export const CONFIG_JSON = `{
  "rds-echo:echo": { "value": "development", "secret": false },
  "rds-echo:masterPassword": { "value": "correct horse battery staple", "secret": true },
  "rds-echo:snapshot": { "value": "rds:production-2026-11-25-03-10", "secret": false },
  "rds-echo:stage": { "value": "rebooted", "secret": false }
}`;

/** The same generation's `Pulumi.<stack>.yaml`, as `pulumi stack init` and `pulumi config set` leave it. */
export const STACK_FILE = `secretsprovider: passphrase
encryptionsalt: v1:Jd8Lq0b3h0Q=:v1:ZrN6Dk1M7ZJh+2oT:tqK7PzC3fX0uKf9t1cJ1fA==
config:
  rds-echo:echo: development
  rds-echo:masterPassword:
    secure: v1:9S1m2y8p0Qk=:v1:Xr4bT1qQ0m8=:Gx0a7Zr8n6FQ0C2g4bQx9w==
  rds-echo:snapshot: rds:production-2026-11-25-03-10
  rds-echo:stage: rebooted
`;

/** A `pulumi stack export` after the process died while RDS was restoring the instance. */
export function interruptedDeployment(): Deployment {
  return {
    version: 3,
    deployment: {
      manifest: { time: "2026-11-25T12:31:05.123Z", magic: "6d2f1a0c", version: "v3.248.0" },
      secrets_providers: { type: "passphrase", state: { salt: "v1:Jd8Lq0b3h0Q=:v1:ZrN6Dk1M7ZJh+2oT:tqK7PzC3fX0uKf9t1cJ1fA==" } },
      resources: [
        { urn: STACK_URN, custom: false, type: "pulumi:pulumi:Stack", created: "2026-11-25T12:31:03Z", modified: "2026-11-25T12:31:03Z" },
        {
          urn: PROVIDER_URN,
          custom: true,
          id: PROVIDER_ID,
          type: "pulumi:providers:aws",
          inputs: { __internal: {}, region: "eu-west-1", skipCredentialsValidation: "false", skipRegionValidation: "true", version: "7.48.0" },
          outputs: { region: "eu-west-1", skipCredentialsValidation: "false", skipRegionValidation: "true", version: "7.48.0" },
          parent: STACK_URN,
          created: "2026-11-25T12:31:04Z",
          modified: "2026-11-25T12:31:04Z",
        },
      ],
      pending_operations: [
        {
          resource: {
            urn: INSTANCE_URN,
            custom: true,
            type: "aws:rds/instance:Instance",
            inputs: {
              __defaults: [],
              identifier: GENERATION,
              snapshotIdentifier: "rds:production-2026-11-25-03-10",
              instanceClass: "db.t3.medium",
              multiAz: false,
              publiclyAccessible: false,
              copyTagsToSnapshot: true,
              tags: { "echo:managed": "development", "echo:generation": GENERATION, "echo:stage": "new" },
            },
            parent: STACK_URN,
            provider: `${PROVIDER_URN}::${PROVIDER_ID}`,
            propertyDependencies: { identifier: [], snapshotIdentifier: [], tags: [] },
            customTimeouts: { create: 172800, update: 28800, delete: 14400 },
            created: "2026-11-25T12:31:05Z",
            modified: "2026-11-25T12:31:05Z",
          },
          type: "creating",
        },
      ],
      metadata: {},
    },
  };
}
