/**
 * The container image (deploy/image/Dockerfile), built by the suite's own dockerd and run as a scheduler runs it:
 * `docker run --network host` against moto, the Pulumi state in an S3 bucket in moto, secrets as mounted files.
 *
 * What stands in for what: the base image is made locally (test/deploy/scripts/base-image.sh: debootstrap + Node from
 * the npm registry) in place of the registry's node:22-bookworm-slim; the Pulumi CLI is the one built from its Go
 * module; the aws plugin is the engine suite's stand-in provider (test/engine/provider), installed by the
 * Dockerfile's own `pulumi plugin install` from a loopback mirror. So these cases prove the image (its layout, user,
 * baked plugin, entrypoint, secrets from files, leases across containers), not the real provider.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startMoto, type Moto } from "../../engine/harness/moto.js";
import { seedAccount } from "../../engine/harness/project.js";
import { Containers, MASTER_PASSWORD, ok, PASSPHRASE } from "./harness/containers.js";
import { buildImage, dockerOk, startDockerd, type Dockerd } from "./harness/docker.js";
import { cnameTarget, echoInstances, leaseIn, locksIn, s3Backend, tagsOf, waitFor, type MotoAt } from "./harness/moto-state.js";

const CNAME = "development.db.example.com";

let dockerd: Dockerd | undefined;
let moto: Moto | undefined;
let image: string;
let at: MotoAt;
let containers: Containers;
let zoneId: string;

beforeAll(async () => {
  dockerd = startDockerd();
  image = buildImage(dockerd);
  moto = await startMoto();
  at = { endpoint: moto.endpoint, region: moto.env["AWS_REGION"]! };
});

afterAll(async () => {
  await moto?.stop();
  dockerd?.stop();
});

beforeEach(async () => {
  await moto!.reset();
  ({ zoneId } = await seedAccount(at));
  containers = new Containers(dockerd!, image, moto!.env);
});

afterEach(async () => {
  await containers.removeAll();
});

describe("the image", () => {
  it("runs as uid 1000 with rds-echo as its entrypoint, the lockfile's Pulumi CLI and the aws plugin baked in, and no secret or state inside", async () => {
    const config = JSON.parse(await dockerOk(dockerd!, ["image", "inspect", "--format", "{{json .Config}}", image])) as {
      User: string;
      Entrypoint: string[];
      WorkingDir: string;
      Env: string[];
    };
    expect(config.User).toBe("1000:1000");
    expect(config.Entrypoint).toEqual(["rds-echo"]);
    expect(config.WorkingDir).toBe("/rds-echo");
    expect(config.Env.map((e) => e.split("=")[0])).not.toContainEqual(expect.stringMatching(/PASSPHRASE|SECRET|TOKEN|AWS_|PASSWORD/));

    const { packages } = (await import("../../../package-lock.json", { with: { type: "json" } })).default as { packages: Record<string, { version: string }> };
    const sh = (script: string) => dockerOk(dockerd!, ["run", "--rm", "--network", "none", "--entrypoint", "sh", image, "-c", script]);
    expect((await sh("pulumi version")).trim()).toBe(`v${packages["node_modules/@pulumi/pulumi"]!.version}`);
    const plugins = JSON.parse(await sh("pulumi plugin ls --json")) as Array<{ name: string; kind: string; version: string }>;
    expect(plugins.map((p) => `${p.kind} ${p.name} ${p.version}`)).toEqual([`resource aws ${packages["node_modules/@pulumi/aws"]!.version}`]);
    // The package is root's and read-only to the run's user; the project root is the user's.
    expect((await sh("id -u; test -w /opt/rds-echo/dist && echo writable || echo read-only; test -w /rds-echo && echo writable")).split("\n")).toEqual(["1000", "read-only", "writable", ""]);
    // Nothing of a checkout's state or of the build's secrets reached a layer: no .rds-echo/, no definitions or
    // stack files, no npm credentials, no build CA (a mounted build secret).
    const found = await sh("find / -xdev \\( -name .rds-echo -o -name 'Pulumi.*.yaml' -o -name .npmrc -o -name 'build-ca*' -o -path '/rds-echo/stacks/*' \\) -print 2>/dev/null; true");
    expect(found.trim()).toBe("");
  });
});

describe("a run in a container", () => {
  it("`up --promote` against moto with the state in S3: a promoted generation behind the CNAME; writes only to the project root, the CLI workspace and /tmp (no plugin fetched), says no secret", async () => {
    const backend = await s3Backend(at);
    const run = containers.start(backend, ["up", "development", "--promote", "--yes"], { hostname: "runner-1", keep: true });
    const result = ok(await run.done);
    const live = await echoInstances(at);
    expect(live).toHaveLength(1);
    expect(tagsOf(live[0]!)["echo:stage"]).toBe("promoted");
    expect(await cnameTarget(at, zoneId, CNAME)).toBe(live[0]!.Endpoint?.Address);
    expect(await locksIn(at, backend)).toEqual([]);
    expect(await leaseIn(at, backend, "development")).toMatchObject({ holder: { host: "runner-1" }, released: expect.any(String) });
    for (const secret of [PASSPHRASE, MASTER_PASSWORD]) expect(result.stdout + result.stderr).not.toContain(secret);

    // What the run changed in the container's filesystem: its project root (stack files, .rds-echo/), the CLI's
    // workspace files in PULUMI_HOME, temporary files, and the secrets' mount point; directories above those show as
    // changed. A plugin download
    // would add under /opt/pulumi/home/plugins; a write into the package, under /opt/rds-echo.
    const changed = (await dockerOk(dockerd!, ["diff", run.name])).split("\n").filter((line) => line.trim() !== "");
    const writable = ["/rds-echo", "/tmp", "/opt/pulumi/home/workspaces", "/run/secrets"];
    const allowed = (p: string) => writable.some((dir) => p === dir || p.startsWith(`${dir}/`) || dir.startsWith(`${p}/`));
    expect(changed.filter((line) => !allowed(line.slice(2))), changed.join("\n")).toEqual([]);
    expect(changed.filter((line) => line.slice(2).startsWith("/opt/pulumi/home/plugins")), changed.join("\n")).toEqual([]);
  });

  it("two containers at once on one echo: one works, the other says busy and exits 0", async () => {
    const backend = await s3Backend(at);
    // The stand-in takes 15 s over the restore, so the two surely overlap however the daemon schedules their start.
    const slow = { RDS_ECHO_STANDIN_FIRST_POLL_MS: "15000" };
    const [a, b] = await Promise.all([
      containers.run(backend, ["up", "development", "--yes"], { hostname: "runner-a", env: slow }),
      containers.run(backend, ["up", "development", "--yes"], { hostname: "runner-b", env: slow }),
    ]);
    expect(a.code, a.stdout + a.stderr).toBe(0);
    expect(b.code, b.stdout + b.stderr).toBe(0);
    const said = [a, b].map((run) => run.stdout + run.stderr);
    const busy = said.filter((text) => /busy\s+-\s+another run is updating it: pid \d+ on runner-[ab]/.test(text));
    expect(busy, said.join("\n---\n")).toHaveLength(1);
    expect(await echoInstances(at)).toHaveLength(1);
    expect(await locksIn(at, backend)).toEqual([]);
  });

  it("`docker kill` of one mid-update: a container on another host says busy while its lease lasts, then takes it over and recovers", async () => {
    const backend = await s3Backend(at);
    const ttl = { RDS_ECHO_LEASE_TTL: "20" };
    ok(await containers.run(backend, ["new", "development", "--yes"], { hostname: "runner-a", env: ttl }));
    const [instance] = await echoInstances(at);
    const generation = instance!.DBInstanceIdentifier!;
    const modify = containers.start(backend, ["modify", "development", "--yes"], { hostname: "runner-a", env: { ...ttl, RDS_ECHO_STANDIN_FIRST_POLL_MS: "15000" } });
    await waitFor("ModifyDBInstance from the container", async () => (await echoInstances(at))[0]?.DBParameterGroups?.[0]?.DBParameterGroupName === "development-postgres16");
    // What a node failure or an OOM kill does: SIGKILL to the container's every process, no cleanup.
    await dockerOk(dockerd!, ["kill", modify.name]);
    expect((await modify.done).code).not.toBe(0);
    const lease = await leaseIn(at, backend, "development");
    expect(lease?.holder.host).toBe("runner-a");
    expect(lease?.released).toBeUndefined();
    const lock = await locksIn(at, backend);
    expect(lock).toHaveLength(1);

    const early = await containers.run(backend, ["up", "development", "--yes"], { hostname: "runner-b", env: ttl });
    const earlyEnded = Date.now();
    expect(early.code, early.stdout + early.stderr).toBe(0);
    expect(early.stdout + early.stderr).toMatch(/busy\s+-\s+another run is updating it: pid \d+ on runner-a/);
    expect(earlyEnded, "the early run must end before the lease expires, or it proves nothing").toBeLessThan(Date.parse(lease!.expires));
    expect(await locksIn(at, backend)).toEqual(lock);

    await waitFor("the killed container's lease to expire", () => Date.now() > Date.parse(lease!.expires), 60_000);
    const late = ok(await containers.run(backend, ["up", "development", "--yes"], { hostname: "runner-b", env: ttl }));
    const said = late.stdout + late.stderr;
    expect(said).toMatch(/took over the lease of pid \d+ on runner-a( \([^)]*\))?, which expired at/);
    expect(said).toContain(`whose run's lease expired: s3://${new URL(backend).hostname}/${lock[0]}`);
    expect(said).toContain(`recover ${generation}: clearing 1 interrupted operation(s)`);
    const live = await echoInstances(at);
    expect(live.map((i) => i.DBInstanceIdentifier)).toEqual([generation]);
    expect(live[0]!.InstanceCreateTime).toEqual(instance!.InstanceCreateTime);
    expect(tagsOf(live[0]!)["echo:stage"]).toBe("rebooted");
    expect(await locksIn(at, backend)).toEqual([]);
    expect(await leaseIn(at, backend, "development")).toMatchObject({ holder: { host: "runner-b" }, released: expect.any(String) });
  });
});
