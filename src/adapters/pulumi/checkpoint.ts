/**
 * A DIY backend's checkpoint of a stack, read in process: the deployment `pulumi stack export` prints (the
 * checkpoint's `latest`, apitype.CheckpointV3), secrets still encrypted, without a CLI process. The check for
 * pending operations before every update and destroy must read the backend fresh; on `file://` and `s3://` this is
 * that read (a directory read, or one listing and one GetObject: S3 reads are strongly consistent, and a PUT replaces
 * an object whole, so a read never sees half of one).
 *
 * Layout, from the CLI this project drives (pkg/backend/diy): the project's stacks live at
 * `.pulumi/stacks/<project>/<stack>` (store.go, projectReferenceStore.StackBasePath) with the newest of `.json`,
 * `.json.gz` and `.json.zst` being the current one (state.go, stackPath). Only a plain `.json` with no compressed
 * sibling, in a checkpoint version this reads (3, or 4 without features), is read here; anything else is left to
 * the CLI (the caller falls back to `stack export`), so a layout this does not know is never guessed at.
 */
import type { Deployment } from "@pulumi/pulumi/automation/index.js";
import type { BackendObjects } from "./latest-config.js";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The stack's current deployment from its checkpoint, or undefined when this cannot read it for sure. */
export async function checkpointDeployment(objects: BackendObjects, project: string, stack: string): Promise<Deployment | undefined> {
  const checkpoint = `.pulumi/stacks/${project}/${stack}.json`;
  const keys = new Set(await objects.keys(checkpoint));
  if (!keys.has(checkpoint) || keys.has(`${checkpoint}.gz`) || keys.has(`${checkpoint}.zst`)) return undefined;
  const text = await objects.text(checkpoint);
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // A checkpoint being rewritten by a CLI right now (the diy backend writes in place): the CLI reads it properly.
    return undefined;
  }
  if (!isRecord(parsed) || !isRecord(parsed["checkpoint"])) return undefined;
  const version = parsed["version"];
  const features = parsed["features"];
  if (version !== 3 && !(version === 4 && (features === undefined || (Array.isArray(features) && features.length === 0)))) return undefined;
  const latest = parsed["checkpoint"]["latest"];
  // A stack that was never deployed has no latest deployment: `stack export` prints an empty one.
  return { version: 3, deployment: isRecord(latest) ? latest : { manifest: {}, resources: [] } };
}
