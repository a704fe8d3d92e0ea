/**
 * SnapshotPort on the AWS SDK: CreateDBSnapshot on the source side, sharing with this account, CopyDBSnapshot into
 * it under its key (the SDK's RDS middleware presigns a cross-region copy from SourceRegion), the SDK's own
 * DBSnapshotAvailable waiter, DeleteDBSnapshot, and the tag-based listing retire cleans up with. Every error leaves
 * through mapAwsError with the IAM action of the call, so a refusal names the permission that is missing.
 */
import {
  CopyDBSnapshotCommand,
  CreateDBSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBSnapshotAttributeCommand,
  paginateDescribeDBSnapshots,
  waitUntilDBSnapshotAvailable,
  type DBSnapshot,
  type RDSClient,
  type Tag,
} from "@aws-sdk/client-rds";
import { GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";
import { SnapshotNotFoundError } from "../../errors.js";
import { TAG_GENERATION, TAG_MADE, TAG_MANAGED } from "../../program/tags.js";
import type { ManagedSnapshot, SnapshotInfo, SnapshotPort, SnapshotSide, SnapshotSource, SourceInstanceInfo } from "../../ports.js";
import { InstanceNotFoundError, mapAwsError } from "./errors.js";
import { AwsRds, snapshotInfo } from "./rds.js";

const SNAPSHOT_ARN = /^arn:aws[a-z-]*:rds:/;

/** The waiter's delays, in seconds: a snapshot takes tens of minutes, so polling every 30 s to 2 min is plenty. */
export interface WaiterDelays {
  readonly minDelay: number;
  readonly maxDelay: number;
  /** How often a wait says how it stands (status, per cent done), in ms; 5 minutes when absent. */
  readonly progressMs?: number;
}

const PROGRESS_MS = 5 * 60_000;

export class AwsSnapshots implements SnapshotPort {
  #account: string | undefined;

  constructor(
    private readonly echo: RDSClient,
    private readonly source: RDSClient,
    private readonly sts: STSClient,
    private readonly delays: WaiterDelays = { minDelay: 30, maxDelay: 120 },
  ) {}

  async accountId(): Promise<string> {
    if (this.#account === undefined) {
      const out = await call("GetCallerIdentity", "sts:GetCallerIdentity", () => this.sts.send(new GetCallerIdentityCommand({})));
      if (!out.Account) throw new Error("GetCallerIdentity returned no account");
      this.#account = out.Account;
    }
    return this.#account;
  }

  async describeSource(id: string): Promise<SourceInstanceInfo | undefined> {
    try {
      const out = await this.source.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
      const found = out.DBInstances?.find((i) => i.DBInstanceIdentifier === id);
      if (!found) return undefined;
      const encrypted = found.StorageEncrypted === true;
      return {
        id,
        ...(found.DBInstanceArn ? { arn: found.DBInstanceArn } : {}),
        status: found.DBInstanceStatus ?? "unknown",
        encrypted,
        ...(encrypted && found.KmsKeyId ? { kmsKeyId: found.KmsKeyId } : {}),
        ...(found.Engine ? { engine: found.Engine } : {}),
        // RDS reports no restorable time while automated backups are off (backup retention 0).
        ...(found.LatestRestorableTime && (found.BackupRetentionPeriod ?? 0) > 0 ? { latestRestorableTime: found.LatestRestorableTime } : {}),
      };
    } catch (error) {
      const mapped = mapAwsError(error, `DescribeDBInstances ${id}`, "rds:DescribeDBInstances");
      if (mapped instanceof InstanceNotFoundError) return undefined;
      throw mapped;
    }
  }

  async latestSnapshot(source: SnapshotSource): Promise<SnapshotInfo> {
    return new AwsRds(this.source).latestSnapshot(source);
  }

  async find(side: SnapshotSide, id: string): Promise<SnapshotInfo | undefined> {
    const found = await this.#describe(side, id);
    return found ? snapshotInfo(found) : undefined;
  }

  async #describe(side: SnapshotSide, id: string): Promise<DBSnapshot | undefined> {
    const input = SNAPSHOT_ARN.test(id) ? { DBSnapshotIdentifier: id, IncludeShared: true } : { DBSnapshotIdentifier: id };
    try {
      const out = await this.#client(side).send(new DescribeDBSnapshotsCommand(input));
      return out.DBSnapshots?.[0];
    } catch (error) {
      const mapped = mapAwsError(error, `DescribeDBSnapshots ${id}`, "rds:DescribeDBSnapshots");
      if (mapped instanceof SnapshotNotFoundError) return undefined;
      throw mapped;
    }
  }

  async create(request: { instance: string; snapshot: string; tags: Readonly<Record<string, string>> }): Promise<void> {
    const input = { DBInstanceIdentifier: request.instance, DBSnapshotIdentifier: request.snapshot, Tags: tagList(request.tags) };
    await call(`CreateDBSnapshot ${request.snapshot} of ${request.instance}`, "rds:CreateDBSnapshot", () => this.source.send(new CreateDBSnapshotCommand(input)));
  }

  async share(snapshot: string, account: string): Promise<void> {
    const input = { DBSnapshotIdentifier: snapshot, AttributeName: "restore", ValuesToAdd: [account] };
    await call(`ModifyDBSnapshotAttribute ${snapshot} (share with ${account})`, "rds:ModifyDBSnapshotAttribute", () => this.source.send(new ModifyDBSnapshotAttributeCommand(input)));
  }

  async copy(request: { source: string; target: string; kmsKeyId: string; sourceRegion?: string; tags: Readonly<Record<string, string>> }): Promise<void> {
    const input = {
      SourceDBSnapshotIdentifier: request.source,
      TargetDBSnapshotIdentifier: request.target,
      KmsKeyId: request.kmsKeyId,
      // Only rds-echo's own tags: the source's tags belong to the source account.
      CopyTags: false,
      Tags: tagList(request.tags),
      ...(request.sourceRegion ? { SourceRegion: request.sourceRegion } : {}),
    };
    await call(`CopyDBSnapshot ${request.source} to ${request.target}`, "rds:CopyDBSnapshot", () => this.echo.send(new CopyDBSnapshotCommand(input)));
  }

  /**
   * The SDK's DBSnapshotAvailable waiter, with a line of progress every few minutes (the waiter itself says nothing
   * for the hours a cross-region copy can take), and a timeout that says what it waited for, for how long, and how
   * the snapshot stood when the wait gave up.
   */
  async waitAvailable(side: SnapshotSide, id: string, options: { timeoutMs: number; progress?: (status: string, elapsedMs: number) => void }): Promise<SnapshotInfo> {
    const client = this.#client(side);
    const started = Date.now();
    const standing = async (): Promise<string> => {
      try {
        return (await this.#standing(side, id)) ?? "not visible yet";
      } catch (error) {
        return `status unknown (${(error instanceof Error ? error.message : String(error)).split("\n")[0]})`;
      }
    };
    const progress = options.progress;
    const ticker = progress ? setInterval(() => void standing().then((status) => progress(status, Date.now() - started)), this.delays.progressMs ?? PROGRESS_MS) : undefined;
    try {
      await waitUntilDBSnapshotAvailable({ client, maxWaitTime: Math.max(1, Math.round(options.timeoutMs / 1000)), minDelay: this.delays.minDelay, maxDelay: this.delays.maxDelay }, { DBSnapshotIdentifier: id });
    } catch (error) {
      // The waiter throws its own error (state FAILURE, TIMEOUT) or the SDK's: the latter is mapped like any call.
      const mapped = mapAwsError(error, `waiting for ${id}`, "rds:DescribeDBSnapshots");
      if (mapped !== error) throw mapped;
      if (error instanceof Error && error.name === "TimeoutError") {
        const minutes = Math.round((Date.now() - started) / 60_000);
        throw new Error(`${id} is not available after ${minutes} minutes, the wait's budget (timeouts.create): stopped waiting while it is ${await standing()}; rerun to wait on, or see the RDS console`, { cause: error });
      }
      throw new Error(`${id} did not become available: ${(error as Error).message}`, { cause: error });
    } finally {
      clearInterval(ticker);
    }
    const found = await this.find(side, id);
    if (!found) throw new SnapshotNotFoundError(`${id} disappeared after it became available`);
    return found;
  }

  /** How a snapshot stands: its status and, while it is being made, how far (DescribeDBSnapshots' PercentProgress). */
  async #standing(side: SnapshotSide, id: string): Promise<string | undefined> {
    const snapshot = await this.#describe(side, id);
    if (!snapshot) return undefined;
    const percent = snapshot.PercentProgress;
    return `${snapshot.Status ?? "unknown"}${percent !== undefined && snapshot.Status !== "available" ? ` (${percent}%)` : ""}`;
  }

  /** Deletes a snapshot rds-echo made; one already gone (deleted by a concurrent retire, or by hand) counts as deleted. */
  async delete(side: SnapshotSide, id: string): Promise<void> {
    try {
      await call(`DeleteDBSnapshot ${id}`, "rds:DeleteDBSnapshot", () => this.#client(side).send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: id })));
    } catch (error) {
      if (!(error instanceof SnapshotNotFoundError)) throw error;
    }
  }

  async managed(side: SnapshotSide, echo: string): Promise<ManagedSnapshot[]> {
    const found: ManagedSnapshot[] = [];
    try {
      // DescribeDBSnapshots cannot filter by tag: list the manual ones (all pages) and match their TagList.
      for await (const page of paginateDescribeDBSnapshots({ client: this.#client(side) }, { SnapshotType: "manual" })) {
        for (const s of page.DBSnapshots ?? []) {
          const tags = Object.fromEntries((s.TagList ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
          if (tags[TAG_MANAGED] !== echo || tags[TAG_MADE] === undefined || !tags[TAG_GENERATION] || !s.DBSnapshotIdentifier) continue;
          const createdAt = s.SnapshotCreateTime ?? new Date(0);
          found.push({ id: s.DBSnapshotIdentifier, side, generation: tags[TAG_GENERATION], status: s.Status ?? "unknown", createdAt });
        }
      }
    } catch (error) {
      throw mapAwsError(error, `DescribeDBSnapshots manual (${side} side)`, "rds:DescribeDBSnapshots");
    }
    return found;
  }

  #client(side: SnapshotSide): RDSClient {
    return side === "source" ? this.source : this.echo;
  }
}

function tagList(tags: Readonly<Record<string, string>>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** Runs one SDK call, mapping its error (with the call's IAM action) at the edge. */
async function call<T>(context: string, action: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw mapAwsError(error, context, action);
  }
}
