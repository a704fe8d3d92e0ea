import { isClusterEcho } from "../../definition/schema.js";
import { SANDBOX_FILE, startRdsEndpoint, WorldFile, type SimWorld } from "../../adapters/sandbox/index.js";
import { settle } from "../../adapters/sandbox/world.js";
import { parseDuration } from "../../definition/duration.js";
import { UsageError } from "../../errors.js";
import type { CommandContext } from "../context.js";
import { interrupt } from "../interrupt.js";

/** Serves the simulated RDS Query API on loopback until the process is stopped, so sandbox approval links can be clicked. */
export async function serve({ root, reporter }: CommandContext, port?: number): Promise<number> {
  // A server has no run to resume: its own ending below is all a signal brings (not the lifecycle's "rerun up").
  interrupt.standAside();
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535)) {
    throw new UsageError(`--port ${port}: a TCP port is a whole number from 0 to 65535 (0: any free port)`);
  }
  await requireProjectRoot(root);
  const initial = await new WorldFile(root).load(undefined, new Date());
  const endpoint = new URL(initial.approval.endpoint);
  const chosen = port ?? Number(endpoint.port);
  let server: Awaited<ReturnType<typeof startRdsEndpoint>>;
  // Each clicked link is one change of the world, made under its lock: a run changing the world meanwhile is waited for.
  const world = worldOf(root, reporter);
  try {
    server = await startRdsEndpoint({ port: chosen, withWorld: (work) => world.update("a clicked approval link", work) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    throw new UsageError(`port ${chosen} on 127.0.0.1 is in use (another \`rds-echo sandbox serve\`?); stop that one, or choose another port with --port <n> (0: any free port)`);
  }
  if (server.url !== initial.approval.endpoint) {
    // Links are signed for the endpoint's host and port: new links must name this one.
    await world.update("sandbox serve", (w) => void (w.approval.endpoint = server.url));
  }
  reporter.text(`sandbox RDS endpoint listening on ${server.url} (Ctrl-C to stop); approval links of --sandbox requests point here`);
  // Stopped by Ctrl-C, by SIGTERM, or when whoever started it goes away: `kill $!` on `npx rds-echo sandbox serve &`
  // ends npm, not this process, which is then re-parented; it must not keep serving as an orphan.
  const parent = process.ppid;
  let watch: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
    watch = setInterval(() => process.ppid !== parent && resolve(), 500);
  });
  clearInterval(watch);
  await server.close();
  reporter.note("sandbox RDS endpoint stopped");
  return 0;
}

/** `sandbox seed-legacy <echo>`: what the original rds-echo would have left for this echo (see adapters/sandbox/legacy.ts). */
export async function seedLegacy({ root, reporter }: CommandContext, echo: string | undefined, legacyName: string | undefined): Promise<number> {
  if (echo === undefined) throw new UsageError("sandbox seed-legacy needs the echo: rds-echo sandbox seed-legacy <echo>");
  await requireProjectRoot(root);
  const [{ loadDefinition }, { seedLegacyInstances }, { echoNameProblem }] = await Promise.all([
    import("../../definition/load.js"),
    import("../../adapters/sandbox/legacy.js"),
    import("../../definition/identifiers.js"),
  ]);
  const definition = await loadDefinition(root, echo);
  const name = legacyName ?? echo;
  if (echoNameProblem(name)) throw new UsageError(`--legacy-name "${name}" ${echoNameProblem(name)}`);
  if (isClusterEcho(definition)) throw new UsageError(`sandbox seed-legacy: ${echo} echoes an Aurora cluster; the original rds-echo restored only instances`);
  const created = await worldOf(root, reporter).update(
    "sandbox seed-legacy",
    (world) => {
      if (world.region !== definition.region) throw new UsageError(`the sandbox simulates ${world.region}, ${echo} is in ${definition.region}: \`rds-echo sandbox reset\` first`);
      try {
        return seedLegacyInstances(world, definition, name);
      } catch (error) {
        throw new UsageError(`sandbox seed-legacy: ${(error as Error).message}`);
      }
    },
    { definition },
  );
  for (const i of created) reporter.text(`seeded ${i.id}  ${i.tags[`rdsecho:${name}:stage`]}  ${i.address}`);
  reporter.data({ seeded: created.map((i) => ({ id: i.id, tags: i.tags, address: i.address })) });
  return 0;
}

/** The longest `sandbox advance`: a year of simulated days is already more than any lifecycle needs to be shown. */
export const MAX_ADVANCE_DAYS = 366;

export async function sandboxAction({ root, reporter }: CommandContext, action: "show" | "reset" | "advance", duration?: string): Promise<void> {
  // A mistyped --dir would show (or start) an empty world elsewhere and exit 0: say so instead.
  await requireProjectRoot(root);
  if (action === "reset") {
    await worldOf(root, reporter).update("sandbox reset", () => undefined, { remove: true });
    reporter.text(`removed ${SANDBOX_FILE}; the next --sandbox command starts a fresh world`);
    reporter.data({ reset: true });
    return;
  }
  let minutes: number | undefined;
  if (action === "advance") {
    minutes = duration === undefined ? undefined : parseDuration(duration);
    if (minutes === undefined) throw new UsageError(`sandbox advance needs a duration such as 21h, 90m or 2d${duration ? ` (got "${duration}")` : ""}`);
    // Each simulated day is settled (daily snapshots taken): an unbounded advance ran for minutes and ran out of memory.
    if (minutes > MAX_ADVANCE_DAYS * 24 * 60) throw new UsageError(`sandbox advance ${duration}: at most ${MAX_ADVANCE_DAYS}d at once`);
  }
  const file = worldOf(root, reporter);
  let world: SimWorld;
  if (minutes !== undefined) {
    // Under the world's lock: a run in progress (a `new` waiting for its restore) finishes first, and the clock then
    // moves from where that run left it, instead of the run's last save erasing the move.
    world = await file.update(`sandbox advance ${duration}`, (w) => {
      w.now += minutes * 60_000;
      // What the simulated time brings by itself: restores finishing, production's daily snapshots.
      settle(w);
      return w;
    });
    reporter.note(`sandbox clock advanced by ${duration}`);
  } else world = await file.load(undefined, new Date());
  const summary = summarize(world);
  reporter.data(summary);
  reporter.text(`sandbox time ${summary.now}`);
  for (const c of summary.clusters) reporter.text(`  cluster  ${c.id}  ${c.status}${c.stage ? `  (${c.stage})` : ""}  ${c.address}  (${c.from})`);
  for (const i of summary.instances) reporter.text(`  instance ${i.id}  ${i.status}${i.stage ? `  (${i.stage})` : ""}  ${i.address}${i.cluster ? `  (in ${i.cluster})` : ""}`);
  for (const z of summary.zones) for (const r of z.records) reporter.text(`  record   ${r.name} ${r.type} ${r.values.join(",")} (ttl ${r.ttl})`);
  reporter.text(`  ${summary.snapshots.length} snapshots, ${summary.clusterSnapshots.length} cluster snapshots, ${summary.stacks.length} stacks, ${summary.outbox.length} messages in the outbox`);
}

/** The project root must exist: the sandbox's world lives under it. */
async function requireProjectRoot(root: string): Promise<void> {
  const { stat } = await import("node:fs/promises");
  const isDirectory = await stat(root).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDirectory) throw new UsageError(`--dir ${root}: no such directory; create it first, or pass the project root`);
}

/** The world's file, saying when a command waits for another run that holds it. */
function worldOf(root: string, reporter: CommandContext["reporter"]): WorldFile {
  return new WorldFile(root, { onWarning: (m) => reporter.warn(m), onWait: (holder) => reporter.note(`waiting for the sandbox: ${holder}`) });
}

/** The world as a person (or a test) wants to see it: no settings, so no secret digests either. */
function summarize(world: SimWorld) {
  return {
    now: new Date(world.now).toISOString(),
    instances: Object.values(world.rds.instances).map((i) => ({ id: i.id, status: i.status, address: i.address, tags: i.tags, stage: i.tags["echo:stage"], pendingReboot: i.pendingReboot, ...(i.cluster ? { cluster: i.cluster } : {}) })),
    clusters: Object.values(world.rds.clusters ?? {}).map((c) => ({ id: c.id, status: c.status, address: c.address, readerAddress: c.readerAddress, stage: c.tags["echo:stage"], from: c.cloneOf ? `clone of ${c.cloneOf}` : c.snapshot ?? "source" })),
    clusterSnapshots: (world.rds.clusterSnapshots ?? []).map((s) => ({ id: s.id, cluster: s.cluster, type: s.type, status: s.status, createdAt: new Date(s.createdAt).toISOString() })),
    snapshots: world.rds.snapshots.map((s) => ({ id: s.id, instance: s.instance, type: s.type, status: s.status, createdAt: new Date(s.createdAt).toISOString(), ...(s.account ? { account: s.account } : {}), ...(s.region ? { region: s.region } : {}), ...(s.tags ? { tags: s.tags } : {}) })),
    zones: world.route53.zones.map((z) => ({ id: z.id, name: z.name, records: Object.entries(z.records).map(([name, r]) => ({ name, ...r })) })),
    stacks: Object.values(world.stacks).map((s) => ({ name: s.name, stage: s.settings.stage, resources: s.resources.length, pending: s.pending.length, history: s.history.length })),
    approvalEndpoint: world.approval.endpoint,
    outbox: world.outbox,
  };
}
