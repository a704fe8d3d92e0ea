/**
 * The interfaces the lifecycle needs. The lifecycle depends only on these; adapters implement them for real
 * (Pulumi Automation API, AWS SDK) and for the sandbox (an in-process simulation). Nothing here imports Pulumi or AWS.
 */
import type { ApprovalEmailInput } from "./approval/email.js";
import type { ApproverLinks } from "./approval/links.js";
import type { ApprovalRequest } from "./approval/requests.js";
import type { NotifyEvent } from "./definition/notify.js";
import type { SnapshotType } from "./definition/schema.js";
import type { ProgramStage } from "./program/stages.js";

// ---------------------------------------------------------------------------------------------------------------
// Stacks (the engine)

/** What a generation's stack config pins: the echo, the stage to declare, the snapshot, a looked-up zone. */
export interface GenerationSettings {
  readonly echo: string;
  readonly stage: ProgramStage;
  readonly snapshot: string;
  readonly zoneId?: string;
  /**
   * The snapshot's encryption, pinned at `new` with the snapshot: the restored instance inherits it, and the
   * provider's `storageEncrypted`/`kmsKeyId` are force-new, so every stage must declare what the snapshot had.
   * Undefined for stacks pinned before rds-echo recorded it: the program then declares neither (as it did then).
   */
  readonly storageEncrypted?: boolean;
  /** The snapshot's KMS key ARN, when it is encrypted. */
  readonly kmsKeyId?: string;
  /**
   * With `sourceInstance`: the UTC time the instance is restored to (`source.from: point-in-time`, `latest` resolved at
   * `new`). The program then declares `restoreToPointInTime`, and `snapshot` is only a label (see restore-source.ts).
   */
  readonly restoreTime?: string;
  /** The instance snapshotted now (new-snapshot) or restored from (point-in-time), pinned at `new`. */
  readonly sourceInstance?: string;
  /** The snapshot `snapshot` is a copy of (source.copy): id, or ARN when in another account or region. */
  readonly sourceSnapshot?: string;
  /**
   * Cluster echoes: the source cluster a copy-on-write clone was made of (pinned at `new`; the program then declares
   * `restoreToPointInTime` instead of a snapshot, and `snapshot` only names the clone for people).
   */
  readonly cloneOf?: string;
  /** Cluster echoes: the Aurora engine of the snapshot or source cluster, pinned at `new` (force-new, and required). */
  readonly engine?: string;
  /** Digests of the `afterRestore` hooks that have succeeded, in order, comma-separated (see src/hooks/plan.ts). */
  readonly hooksDone?: string;
  /** The digest of the whole `afterRestore` hook list once every hook succeeded: the generation may be promoted. */
  readonly scrubbed?: string;
  /**
   * The RDS identifier of an instance the original (Java) rds-echo restored, imported into this generation by
   * `migrate --adopt` (its name is not the generation's). The program then declares it as found: only rds-echo's
   * tags, the CNAME while promoted, and its deletion at retire are ever changed.
   */
  readonly adopted?: string;
  /**
   * The generation the CNAME was rolled back to, when this one was rolled back from (`rds-echo rollback`): the
   * `rolled-back` mark. Such a generation is never promoted again by anything automatic, and is no default rollback target.
   */
  readonly rolledBack?: string;
  /**
   * The open approval request of this generation (`promote --request`): its id, approvers (comma-separated, in
   * order), approvals required, when it was opened and when it expires (ISO 8601, whole seconds). Recorded here, where
   * only the driver writes (an update of its own, `request approval <generation> (<id>)`, in the stack's history), and
   * never on the instance: a tag anyone with tagging rights can write proves nothing. The program declares nothing
   * from these.
   */
  readonly approvalRequest?: string;
  readonly approvalApprovers?: string;
  readonly approvalRequired?: number;
  readonly approvalOpened?: string;
  readonly approvalExpires?: string;
}

/** A live resource to import into a generation's stack, under the logical name the program declares it with. */
export interface ImportedResource {
  readonly type: string;
  /** The program's logical name (`db`, `cname`). */
  readonly name: string;
  /** The provider's import id: the DbiResourceId of an instance, `<zoneId>_<name>_CNAME` of a record. */
  readonly id: string;
}

/** A resource of a stack's state. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
}

/** A stack as one listing shows it (no per-stack call needed). */
export interface StackSummary {
  readonly name: string;
  /** When the last operation on the stack finished; undefined for a stack never updated. */
  readonly lastUpdate?: Date;
  readonly updateInProgress: boolean;
  /** Resources in the stack's state (the root stack resource included, as Pulumi counts it). */
  readonly resourceCount: number;
}

export type ChangeOp = "create" | "update" | "replace" | "delete" | "same";

/** One resource's change in a preview or an operation. `keys` are the inputs that differ (update/replace). */
export interface ResourceChange {
  readonly op: ChangeOp;
  readonly type: string;
  readonly name: string;
  readonly keys?: readonly string[];
  /** A delete that only drops the resource from this stack (retainOnDelete): the live resource stays. */
  readonly retained?: boolean;
  /**
   * The changed inputs with their values, for a person confirming the change: `old -> new` per key (a nested key as
   * `tags["echo:stage"]`), secrets as `[secret]`. Optional: an engine that cannot tell gives `keys` only.
   */
  readonly diffs?: readonly ValueDiff[];
}

/** One changed input, as display text (never a secret's value). Absent `old`/`new`: the key is added/removed. */
export interface ValueDiff {
  readonly key: string;
  readonly old?: string;
  readonly new?: string;
}

/** The change type of the CNAME flip shown before a promotion: `<cname>: <old target> -> <new target>`. */
export const CNAME_FLIP_TYPE = "route53:cname-flip";

export interface ChangeSet {
  readonly changes: readonly ResourceChange[];
}

/** Outputs of a generation stack (see the program): strings and numbers only, never secrets. */
export interface GenerationStackOutputs {
  readonly instanceId?: string;
  readonly address?: string;
  readonly port?: number;
  readonly stage?: ProgramStage;
  readonly snapshot?: string;
  readonly cname?: string;
  /** Cluster echoes: the reader endpoint, and the reader CNAME while promoted. */
  readonly readerAddress?: string;
  readonly readerCname?: string;
}

export interface UpdateResult extends ChangeSet {
  readonly outputs: GenerationStackOutputs;
}

export type OperationKind = "update" | "destroy" | "refresh" | "import" | "other";

/** One entry of a stack's history: the audit trail. */
export interface HistoryEntry {
  readonly version: number;
  readonly kind: OperationKind;
  readonly message: string;
  readonly result: "succeeded" | "failed" | "in-progress";
  readonly startTime: Date;
  readonly endTime?: Date;
  /** Counts of resource changes by op, as the engine reports them. */
  readonly resourceChanges: Partial<Record<ChangeOp, number>>;
}

/**
 * A retired generation whose stack was removed after `retire.archiveAfter` (so the listing every run starts with stays
 * short): what is kept of it, in the echo's archive beside the stacks' state. `history` reads it with the live stacks'.
 */
export interface ArchivedGeneration {
  readonly name: string;
  /** When its history was archived and its stack removed. */
  readonly archivedAt: Date;
  /** Its settings when it was archived (what it was retired from, the rolled-back mark); absent if unreadable then. */
  readonly settings?: GenerationSettings;
  /** Its whole history, newest first. */
  readonly history: readonly HistoryEntry[];
}

/** An operation the engine began but never finished (the process died): it must be resolved before the next one. */
export interface PendingOperation {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly operation: "creating" | "updating" | "deleting" | "reading" | "importing" | "other";
}

export interface OperationOptions {
  /** Recorded in the stack history, e.g. `promote development-20261125-1230`. */
  readonly message: string;
}

/** The stacks of one project: each generation is one. */
export interface StackEngine {
  /** Every stack of the project (one listing; the caller filters by echo). */
  list(): Promise<StackSummary[]>;
  /** Creates the stack with its settings and secrets. Fails with StackExistsError when it exists. */
  create(generation: string, settings: GenerationSettings, secrets: Readonly<Record<string, string>>): Promise<void>;
  /** Removes a stack that was never updated (a `new` the person declined); refuses one with history. */
  remove(generation: string): Promise<void>;
  /** The stack's settings, or undefined when no such stack. */
  settings(generation: string): Promise<GenerationSettings | undefined>;
  /** What an update to these settings would change; changes nothing (the stored settings stay as they were). */
  preview(generation: string, settings: GenerationSettings, options: OperationOptions): Promise<ChangeSet>;
  /** Stores the settings and updates the stack to them. */
  update(generation: string, settings: GenerationSettings, options: OperationOptions): Promise<UpdateResult>;
  /** What destroying the stack would change. */
  previewDestroy(generation: string): Promise<ChangeSet>;
  /** Destroys the stack's resources (honouring retainOnDelete); the stack and its history stay. */
  destroy(generation: string, options: OperationOptions): Promise<ChangeSet>;
  outputs(generation: string): Promise<GenerationStackOutputs>;
  /** The stack's history, newest first: all of it, or the newest `limit` entries. */
  history(generation: string, limit?: number): Promise<HistoryEntry[]>;
  pendingOperations(generation: string): Promise<PendingOperation[]>;
  /** The resources the stack's state holds, by type and logical name (live ones; the root stack left out). */
  recorded(generation: string): Promise<readonly RecordedResource[]>;
  /**
   * Adopts a resource the cloud has but the stack never recorded: a create the provider reported as failed after the
   * cloud had made it (the AWS provider gives an instance its id only once its first wait succeeds, so a wait that
   * fails leaves neither a resource nor a pending create). It joins the state as an adopted pending create does: the
   * inputs the program declares for it at these settings, with the given cloud id; then the stack is refreshed.
   */
  adoptUnrecorded(generation: string, settings: GenerationSettings, resource: ImportedResource, options: OperationOptions): Promise<void>;
  /**
   * Reads the stack's resources back from the cloud into its state (`pulumi refresh`), recorded in its history: what
   * changed out of band (a tag someone edited) then shows in the next diff, so the next update sets it right.
   */
  refresh(generation: string, options: OperationOptions): Promise<void>;
  /**
   * Resolves pending operations left by a dead process: pending creates whose urn is in `imports` are adopted with
   * the given cloud id (then refreshed), every other pending operation is cleared.
   */
  resolvePending(generation: string, imports: ReadonlyMap<string, string>, options: OperationOptions): Promise<void>;
  /**
   * Creates the stack with its settings (when missing) and imports live resources into its state as they are,
   * changing nothing in the cloud; resources already in the state are left alone, so a rerun converges. The
   * program's next update then declares what rds-echo manages on them (its tags).
   */
  importGeneration(generation: string, settings: GenerationSettings, resources: readonly ImportedResource[], options: OperationOptions): Promise<void>;
  /** The echo's archived generations, oldest first: none when nothing was archived yet, or the backend has no archive. */
  archived(echo: string): Promise<ArchivedGeneration[]>;
  /**
   * Archives a retired generation of the echo: its whole history and its settings go into the echo's archive, then its
   * stack is removed. Refuses a stack that still holds resources. A rerun after a crash in between converges (the
   * entry is written again, the stack removed). False, with nothing changed, where the backend has no place for an
   * archive (the stack then stays listed, as before).
   */
  archive(generation: string, options: { readonly echo: string; readonly at: Date }): Promise<boolean>;
  /**
   * Holds the echo for this run, so that no other run (on any host) works on it meanwhile: a lease in the backend,
   * renewed while the run lasts and given up by `release`. Busy: another live run holds it. An engine whose backend
   * offers no lease (and the sandbox, one process's world) leaves it out.
   */
  hold?(echo: string): Promise<EchoHold>;
}

/** This run's hold on an echo (StackEngine.hold), or who else holds it. */
export type EchoHold = { readonly held: true; release(): Promise<void> } | { readonly held: false; /** Who, and until when, for people. */ readonly holder: string };

// ---------------------------------------------------------------------------------------------------------------
// RDS

export interface SnapshotSource {
  readonly instance: string;
  readonly types: readonly SnapshotType[];
  /** An explicit snapshot id or ARN, honoured as is (it must exist and be available). */
  readonly explicit?: string;
  /**
   * The echo asking. A snapshot another echo made of the same source (`echo:made`, its `echo:managed`: a
   * `new-snapshot` or a copy) is never this echo's latest: it is that echo's to keep or delete, mid-restore or not.
   */
  readonly echo?: string;
}

export interface SnapshotInfo {
  /** The identifier to restore from: the id for own snapshots, the ARN for shared ones. */
  readonly id: string;
  readonly arn?: string;
  readonly type: string;
  /**
   * When the data was taken: SnapshotDatabaseTime, else OriginalSnapshotCreateTime (a copy keeps its original's),
   * else SnapshotCreateTime. What "latest" is ordered by: a fresh copy of an old snapshot must not win.
   */
  readonly createdAt: Date;
  readonly status: string;
  readonly encrypted: boolean;
  /** The KMS key ARN of an encrypted snapshot. */
  readonly kmsKeyId?: string;
  /** The DB engine (`postgres`, `mysql`, …), when RDS reports it: the master password rules depend on it. */
  readonly engine?: string;
}

export interface InstanceInfo {
  readonly id: string;
  readonly arn?: string;
  /**
   * RDS's immutable DbiResourceId (`db-…`): what the AWS provider uses as the Pulumi id of an `aws.rds.Instance`
   * (since provider v6), so what a pending create is adopted with.
   */
  readonly resourceId?: string;
  /** RDS status: creating, available, modifying, rebooting, deleting, … */
  readonly status: string;
  readonly address?: string;
  /** A cluster echo's view of its cluster (src/lifecycle/database.ts): the reader endpoint; `address` is the writer's. */
  readonly readerAddress?: string;
  readonly port?: number;
  readonly tags: Readonly<Record<string, string>>;
  /** RDS reports a change that waits for a reboot (pending modified values or a parameter group pending-reboot). */
  readonly pendingReboot: boolean;
  readonly createdAt?: Date;
  /** RDS's engine (`postgres`, `mysql`, `mariadb`, `aurora-postgresql`, …): which client the hooks use. */
  readonly engine?: string;
  /** The master user name, restored from the snapshot: who the hooks connect as. */
  readonly masterUsername?: string;
  /** The initial database (DBName), when the source had one. */
  readonly dbName?: string;
}

/** A manual DB snapshot of the account and region, as listed with its tags (final snapshots are manual ones). */
export interface ManualSnapshot {
  readonly id: string;
  readonly arn?: string;
  /** The instance it was taken of (for a final snapshot: the retired generation). */
  readonly instance?: string;
  /** When the snapshot was taken; undefined while RDS is still creating it. */
  readonly createdAt?: Date;
  readonly status: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** Where a cluster echo's data comes from: the newest cluster snapshot of a cluster, or an explicit one. */
export interface ClusterSnapshotSource {
  readonly cluster: string;
  readonly types: readonly SnapshotType[];
  readonly explicit?: string;
}

/**
 * An Aurora cluster as rds-echo needs it: its own status, tags and endpoints, and its member instances (each with its
 * own status and pending reboot). `address` is the writer (cluster) endpoint, `readerAddress` the reader endpoint.
 */
export interface ClusterInfo {
  readonly id: string;
  readonly arn?: string;
  /** The cluster's DbClusterResourceId (`cluster-…`). The provider's id of an `aws.rds.Cluster` is its identifier. */
  readonly resourceId?: string;
  /** RDS cluster status: creating, available, modifying, backing-up, … */
  readonly status: string;
  readonly address?: string;
  readonly readerAddress?: string;
  readonly port?: number;
  readonly tags: Readonly<Record<string, string>>;
  /** A member reports its cluster parameter group `pending-reboot` (or still `applying`). */
  readonly pendingReboot: boolean;
  readonly createdAt?: Date;
  readonly engine?: string;
  readonly masterUsername?: string;
  readonly dbName?: string;
  readonly encrypted?: boolean;
  readonly kmsKeyId?: string;
  /** The member instances, writer first. */
  readonly members: readonly InstanceInfo[];
}

export interface RdsPort {
  /** The newest available cluster snapshot of a cluster (all pages, the configured types), or the explicit one. */
  latestClusterSnapshot(source: ClusterSnapshotSource): Promise<SnapshotInfo>;
  /** One cluster with its member instances, or undefined when RDS has none by that id. */
  describeCluster(id: string): Promise<ClusterInfo | undefined>;
  /** Many clusters (with their members) in as few calls as RDS allows; missing ids are simply absent. */
  describeClusters(ids: readonly string[]): Promise<Map<string, ClusterInfo>>;
  /** The newest available snapshot of the source (all pages, the configured types), or the explicit one. */
  latestSnapshot(source: SnapshotSource): Promise<SnapshotInfo>;
  /** One instance, or undefined when RDS has none by that id. */
  describeInstance(id: string): Promise<InstanceInfo | undefined>;
  /** Many instances in as few calls as RDS allows (100 per page); missing ids are simply absent. */
  describeInstances(ids: readonly string[]): Promise<Map<string, InstanceInfo>>;
  reboot(id: string): Promise<void>;
  /** Sets tags on a resource by ARN (approval requests and their bookkeeping; never the program's own tags). */
  addTags(arn: string, tags: Readonly<Record<string, string>>): Promise<void>;
  removeTags(arn: string, keys: readonly string[]): Promise<void>;
  /** Every manual snapshot of the account in the region, all pages, with tags: where final snapshots are found. */
  manualSnapshots(): Promise<ManualSnapshot[]>;
  /** Deletes one manual snapshot (a final snapshot beyond `retire.keepFinalSnapshots`). */
  deleteSnapshot(id: string): Promise<void>;
  /** Every instance carrying the tag `key` = `value` (all DescribeDBInstances pages; their tags come with them). */
  instancesTagged(key: string, value: string): Promise<InstanceInfo[]>;
}

// ---------------------------------------------------------------------------------------------------------------
// Snapshots rds-echo makes (source.from: new-snapshot, source.copy) and the source instance it reads

/**
 * Where a snapshot operation runs: `echo` is this account in the echo's region (where copies are made and restored);
 * `source` is where the source instance lives (source.copy.region, and source.assumeRole's account), which is the
 * echo side when neither is set.
 */
export type SnapshotSide = "echo" | "source";

/** What `new` pins from the live source instance (point-in-time and new-snapshot). */
export interface SourceInstanceInfo {
  readonly id: string;
  readonly arn?: string;
  readonly status: string;
  readonly encrypted: boolean;
  readonly kmsKeyId?: string;
  readonly engine?: string;
  /** The newest time a point-in-time restore can reach; absent when automated backups are off. */
  readonly latestRestorableTime?: Date;
}

/** A snapshot rds-echo made, found by its tags (echo:managed, echo:generation, echo:made). */
export interface ManagedSnapshot {
  readonly id: string;
  readonly side: SnapshotSide;
  readonly generation: string;
  readonly status: string;
  readonly createdAt: Date;
}

/** The change type of a snapshot rds-echo makes before a restore, or deletes at retire, shown with the diff. */
export const SNAPSHOT_CHANGE_TYPE = "rds:snapshot";

export interface SnapshotPort {
  /** The account the echo's instances live in: what a snapshot in the source's account is shared with. */
  accountId(): Promise<string>;
  /** The source instance on the source side, or undefined when there is none by that id. */
  describeSource(instance: string): Promise<SourceInstanceInfo | undefined>;
  /** The newest snapshot of the source on the source side (as RdsPort.latestSnapshot does on the echo side). */
  latestSnapshot(source: SnapshotSource): Promise<SnapshotInfo>;
  /** One snapshot by id or ARN, or undefined when it does not exist (any status). */
  find(side: SnapshotSide, id: string): Promise<SnapshotInfo | undefined>;
  /** Starts a manual snapshot of the source instance (CreateDBSnapshot), on the source side. */
  create(request: { readonly instance: string; readonly snapshot: string; readonly tags: Readonly<Record<string, string>> }): Promise<void>;
  /** Lets another account restore or copy a snapshot made on the source side (ModifyDBSnapshotAttribute restore). */
  share(snapshot: string, account: string): Promise<void>;
  /** Starts a copy into the echo side under this account's key (CopyDBSnapshot); `source` is an id or an ARN. */
  copy(request: { readonly source: string; readonly target: string; readonly kmsKeyId: string; readonly sourceRegion?: string; readonly tags: Readonly<Record<string, string>> }): Promise<void>;
  /**
   * Resolves when the snapshot is available; throws when it fails, disappears or the timeout passes. `progress` is
   * told how it stands every few minutes of a long wait.
   */
  waitAvailable(side: SnapshotSide, id: string, options: { readonly timeoutMs: number; readonly progress?: (status: string, elapsedMs: number) => void }): Promise<SnapshotInfo>;
  delete(side: SnapshotSide, id: string): Promise<void>;
  /** The snapshots rds-echo made for this echo on one side (all pages). */
  managed(side: SnapshotSide, echo: string): Promise<ManagedSnapshot[]>;
}

// ---------------------------------------------------------------------------------------------------------------
// Route 53

export interface DnsPort {
  /** The hosted zone id for a name: the given id, the named zone, or the longest matching suffix. */
  resolveZone(name: string, hint: { zoneId?: string; zoneName?: string }): Promise<string>;
  /** The live CNAME target of a name in a zone, or undefined when there is no such record. */
  readCname(zoneId: string, name: string): Promise<{ target: string; ttl: number } | undefined>;
}

// ---------------------------------------------------------------------------------------------------------------
// Approval links

/** Promotion approval without a service: links signed by the dedicated signer principal, and the e-mails. */
export interface ApprovalPort {
  /**
   * Approve and cancel links for each approver, valid until the request expires, each setting its decision's proof
   * (src/approval/proof.ts).
   */
  links(request: ApprovalRequest, instanceArn: string, now: Date): Promise<ApproverLinks[]>;
  /** The value each decision key of the request must carry to count (computed with the decision key, never shown). */
  proofs(request: ApprovalRequest): Promise<ReadonlyMap<string, string>>;
  /** Sends one message per approver. */
  send(messages: readonly ApprovalEmailInput[]): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// Notifications

/** One short message about a run: built by src/notify/messages.ts, never holding a secret. */
export interface Notification {
  readonly event: NotifyEvent;
  readonly echo: string;
  /** One line, at most 100 characters (SNS's subject limit). */
  readonly subject: string;
  /** A few lines of plain text. */
  readonly text: string;
}

/** How one channel fared; a failed channel is a warning, never the run's failure. */
export interface NotifyOutcome {
  readonly channel: "sns" | "webhook" | "email";
  readonly error?: string;
}

/** Sends a notification to every channel the definition's `notify` section names. */
export interface NotifyPort {
  /** Never throws: each channel's failure is in its outcome. */
  send(notification: Notification): Promise<NotifyOutcome[]>;
}

// ---------------------------------------------------------------------------------------------------------------
// Databases (hooks)

export type DatabaseEngine = "postgres" | "mysql";

/** Everything a client needs to reach one generation's database. Holds the password: never print it. */
export interface DatabaseConnection {
  readonly engine: DatabaseEngine;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** Verify the server against these PEM CA certificates; `false`: no TLS (the sandbox's local server only). */
  readonly tls: { readonly ca: string } | false;
  /** `postgres://user@host:port/database`, for messages: never the password. */
  readonly label: string;
}

export interface ConnectionRequest {
  readonly generation: string;
  readonly instance: InstanceInfo;
  readonly password: string;
  readonly user?: string;
  readonly database?: string;
  readonly tls: boolean;
  /** PEM CA certificates instead of the bundled RDS CA bundle. */
  readonly ca?: string;
}

export interface SqlResult {
  /** The first value of the first row of the last statement that returned rows, as text. */
  readonly firstValue?: string;
  /** A short account of what ran: command tags with row counts, notices. */
  readonly output: string;
}

export interface CommandResult {
  /** undefined when the command was killed (timeout). */
  readonly exitCode?: number;
  readonly timedOut: boolean;
  /** stdout and stderr, interleaved as they came. */
  readonly output: string;
}

/** Running hooks against a generation's database. SQL errors are thrown as DatabaseError (src/hooks/errors.ts). */
export interface DatabasePort {
  /** Where a generation's database answers, or why hooks cannot run here (the sandbox without a database). */
  connect(request: ConnectionRequest): Promise<DatabaseConnection | { readonly unavailable: string }>;
  runSql(connection: DatabaseConnection, sql: string, options: { readonly timeoutMs: number; readonly transaction: boolean }): Promise<SqlResult>;
  /**
   * Runs a command line with the connection in the standard environment variables (the password only there). The
   * rest of its environment is an allowlist: the basics (PATH, HOME, locale, TZ, TMPDIR) and the names in `passEnv`.
   */
  runCommand(connection: DatabaseConnection, command: string, options: { readonly timeoutMs: number; readonly cwd: string; readonly passEnv?: readonly string[] }): Promise<CommandResult>;
}

// ---------------------------------------------------------------------------------------------------------------
// Time, people

export interface Clock {
  now(): Date;
  /** Resolves after `ms`, or as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface Prompt {
  /** True when a person can answer (stdin and stdout are TTYs). */
  readonly interactive: boolean;
  confirm(question: string): Promise<boolean>;
}

/** What the lifecycle tells the person running it; the CLI's reporter implements it. */
export interface LifecycleOutput {
  /** A step or fact worth a line: "restoring development-20261125-1230 from rds:production-…". */
  step(message: string): void;
  /** The diff of a preview, before a mutating step. */
  changes(title: string, changes: ChangeSet): void;
  /** Progress of a long wait: called at each poll. */
  progress(id: string, status: string, elapsedMs: number): void;
  warn(message: string): void;
}

/** Everything the lifecycle uses, in one bag. */
export interface Ports {
  readonly engine: StackEngine;
  readonly rds: RdsPort;
  readonly dns: DnsPort;
  readonly approvals: ApprovalPort;
  /** Snapshots rds-echo makes and the source instance it reads (source.from, source.copy). */
  readonly snapshots: SnapshotPort;
  /** Hooks' way to the databases; absent means no data plane (hooks are skipped, loudly, and only on the sandbox). */
  readonly databases?: DatabasePort;
  /** Where notifications go; absent when the definition has no `notify` section. */
  readonly notifier?: NotifyPort;
  readonly clock: Clock;
  readonly prompt: Prompt;
  readonly output: LifecycleOutput;
}
