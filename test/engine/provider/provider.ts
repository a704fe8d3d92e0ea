/**
 * The stand-in `aws` provider: a `Provider` (@pulumi/pulumi/provider) that dispatches on the resource type to the
 * resources rds-echo's programs declare (instance, cluster, cluster instance, CNAME record), and refuses any other type.
 */
import { changedKeysByUrn, ignoreChangesByUrn } from "./server-hooks.js";
import type { CheckResult, CreateResult, DiffResult, Provider, ReadResult, UpdateResult } from "@pulumi/pulumi/provider/index.js";
import { clientsFor, type AwsClients } from "./clients.js";
import { EMPTY_CONFIG, type ProviderConfig } from "./config.js";
import { checkInstance, createInstance, deleteInstance, diffInstance, INSTANCE_TYPE, readInstance, updateInstance, type ProviderContext } from "./rds-instance.js";
import { checkCluster, CLUSTER_TYPE, createCluster, deleteCluster, diffCluster, readCluster, updateCluster } from "./rds-cluster.js";
import { checkClusterInstance, CLUSTER_INSTANCE_TYPE, createClusterInstance, deleteClusterInstance, diffClusterInstance, readClusterInstance, updateClusterInstance } from "./rds-cluster-instance.js";
import { checkRecord, createRecord, deleteRecord, diffRecord, readRecord, RECORD_TYPE, updateRecord } from "./route53-record.js";
import { readInputsOf } from "./read-inputs.js";
import { isRecord, UNKNOWN, type PropertyBag } from "./values.js";

/** The @pulumi/aws version in package-lock.json, reported in plugin info so the engine matches the SDK's request. */
export const PROVIDER_VERSION = "7.48.0";

/** `urn:pulumi:<stack>::<project>::<type>::<name>`, the type possibly qualified by parents (`a$b`). */
export function typeOfUrn(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.split("$").pop() ?? "";
}

const SUPPORTED = [INSTANCE_TYPE, CLUSTER_TYPE, CLUSTER_INSTANCE_TYPE, RECORD_TYPE];

function bag(value: unknown): PropertyBag {
  return isRecord(value) ? value : {};
}

function unsupported(urn: string): Error {
  return new Error(`the stand-in aws provider implements only ${SUPPORTED.join(", ")}, not ${typeOfUrn(urn)}`);
}

/** A provider with its configuration settable (by Configure, see server-hooks.ts, or directly by tests). */
export interface StandInProvider extends Provider {
  configure(config: ProviderConfig): void;
  readonly context: ProviderContext;
  /** A previewed update's planned state (server-hooks.ts answers the engine's preview Update with it). */
  planUpdate(urn: string, olds: PropertyBag, news: PropertyBag): PropertyBag;
}

/**
 * The planned state of an update, as the bridge returns it in a preview (its Update with `preview`, from Terraform's
 * plan): the prior state with the configured attributes set to their new values, and a Computed attribute keeping
 * its prior value unless the plan marks it new (SDKv2: only `SetNewComputed` in a CustomizeDiff does). GUESS, the
 * two CustomizeDiffs that matter here, not the whole plan: the tagging interceptor sets `tags_all` to the tags (instance, cluster, cluster instance) (no
 * default_tags configured); a new `identifier` renames the instance, so its endpoint is unknown until applied.
 */
export function plannedUpdate(type: string, olds: PropertyBag, news: PropertyBag): PropertyBag {
  const configured = Object.fromEntries(Object.entries(news).filter(([key, value]) => key !== "__defaults" && value !== undefined && value !== null));
  const planned: PropertyBag = { ...olds, ...configured };
  if (type !== RECORD_TYPE && configured["tags"] !== undefined) planned["tagsAll"] = configured["tags"];
  if (type === INSTANCE_TYPE) {
    if (configured["identifier"] !== undefined && configured["identifier"] !== olds["identifier"]) {
      for (const key of ["address", "endpoint"]) planned[key] = UNKNOWN;
    }
  }
  return planned;
}

export function standInProvider(initial: ProviderConfig = EMPTY_CONFIG): StandInProvider {
  let config = initial;
  let clients: AwsClients | undefined;
  const context: ProviderContext = {
    config: () => config,
    clients: () => (clients ??= clientsFor(config)),
  };
  return {
    version: PROVIDER_VERSION,
    context,
    planUpdate(urn, olds, news) {
      const type = typeOfUrn(urn);
      if (!SUPPORTED.includes(type)) throw unsupported(urn);
      return plannedUpdate(type, olds, news);
    },
    configure(next) {
      config = next;
      clients = undefined;
    },
    async check(urn, olds, news): Promise<CheckResult> {
      const type = typeOfUrn(urn);
      if (type === INSTANCE_TYPE) return checkInstance(bag(news), bag(olds));
      if (type === CLUSTER_TYPE) return checkCluster(bag(news), bag(olds));
      if (type === CLUSTER_INSTANCE_TYPE) return checkClusterInstance(bag(news));
      if (type === RECORD_TYPE) return checkRecord(bag(news));
      throw unsupported(urn);
    },
    async diff(_id, urn, olds, news): Promise<DiffResult> {
      const type = typeOfUrn(urn);
      const differ = { [INSTANCE_TYPE]: diffInstance, [CLUSTER_TYPE]: diffCluster, [CLUSTER_INSTANCE_TYPE]: diffClusterInstance, [RECORD_TYPE]: diffRecord }[type];
      const result = type === INSTANCE_TYPE ? diffInstance(bag(olds), bag(news), ignoreChangesByUrn.get(urn)) : differ?.(bag(olds), bag(news));
      if (result === undefined) throw unsupported(urn);
      changedKeysByUrn.set(urn, result.diffs);
      return result;
    },
    async create(urn, inputs): Promise<CreateResult> {
      const type = typeOfUrn(urn);
      if (type === INSTANCE_TYPE) return createInstance(context, bag(inputs));
      if (type === CLUSTER_TYPE) return createCluster(context, bag(inputs));
      if (type === CLUSTER_INSTANCE_TYPE) return createClusterInstance(context, bag(inputs));
      if (type === RECORD_TYPE) return createRecord(context, bag(inputs));
      throw unsupported(urn);
    },
    async read(id, urn, props): Promise<ReadResult> {
      const type = typeOfUrn(urn);
      if (type === INSTANCE_TYPE) return readInstance(context, id, bag(props), readInputsOf(urn, id));
      if (type === CLUSTER_TYPE) return readCluster(context, id, bag(props));
      if (type === CLUSTER_INSTANCE_TYPE) return readClusterInstance(context, id, bag(props));
      if (type === RECORD_TYPE) return readRecord(context, id, bag(props));
      throw unsupported(urn);
    },
    async update(id, urn, olds, news): Promise<UpdateResult> {
      const type = typeOfUrn(urn);
      if (type === INSTANCE_TYPE) return updateInstance(context, id, bag(olds), bag(news), ignoreChangesByUrn.get(urn));
      if (type === CLUSTER_TYPE) return updateCluster(context, id, bag(olds), bag(news));
      if (type === CLUSTER_INSTANCE_TYPE) return updateClusterInstance(context, id, bag(olds), bag(news));
      if (type === RECORD_TYPE) return updateRecord(context, bag(olds), bag(news));
      throw unsupported(urn);
    },
    async delete(id, urn, props): Promise<void> {
      const type = typeOfUrn(urn);
      if (type === INSTANCE_TYPE) return deleteInstance(context, id, bag(props));
      if (type === CLUSTER_TYPE) return deleteCluster(context, id, bag(props));
      if (type === CLUSTER_INSTANCE_TYPE) return deleteClusterInstance(context, id);
      if (type === RECORD_TYPE) return deleteRecord(context, bag(props));
      throw unsupported(urn);
    },
  };
}
