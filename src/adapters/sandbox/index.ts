/**
 * The sandbox: engine, RDS and Route 53 simulated in-process over one world. `createSandbox` is what tests use;
 * `openSandbox` adds persistence in `.rds-echo/sandbox.json` for the CLI's `--sandbox`.
 */
import type { EchoDefinition } from "../../definition/schema.js";
import { SandboxApprovals } from "./approvals.js";
import { SimClock } from "./clock.js";
import { SandboxDns } from "./dns.js";
import { SandboxEngine } from "./engine.js";
import { Faults } from "./faults.js";
import { SandboxRds } from "./rds.js";
import { SandboxSnapshots } from "./snapshots.js";
import { SandboxPostgres } from "./postgres.js";
import { seed } from "./seed.js";
import { emptyWorld, type SimWorld } from "./world.js";

export { SimClock } from "./clock.js";
export { Faults, SimulatedCrash, CRASH_POINTS, type CrashPoint } from "./faults.js";
export { startRdsEndpoint, handleQuery } from "./rds-endpoint.js";
export type { SimWorld } from "./world.js";
export { sandboxPostgresUrl, SandboxPostgres } from "./postgres.js";

export interface Sandbox {
  readonly world: SimWorld;
  readonly faults: Faults;
  readonly clock: SimClock;
  readonly engine: SandboxEngine;
  readonly rds: SandboxRds;
  readonly dns: SandboxDns;
  readonly approvals: SandboxApprovals;
  readonly snapshots: SandboxSnapshots;
  /** Hooks' databases: present only with a PostgreSQL server (`postgres`); without one hooks are skipped, loudly. */
  readonly databases?: SandboxPostgres;
}

export interface SandboxOptions {
  readonly definitionFor: (echo: string) => Promise<EchoDefinition>;
  readonly faults?: Faults;
  /** Simulated ms per real ms (Infinity: never wait for real time). */
  readonly speed?: number;
  readonly persist?: () => Promise<void>;
  /** A PostgreSQL server URL: the instances become real databases on it (see ./postgres.ts). */
  readonly postgres?: string;
  /** The echo's definition as it is now, when one echo is served: where its source lives (another account or region). */
  readonly definition?: () => EchoDefinition | undefined;
  /** The clock of the world, when several sandboxes share one world (`up --all`): their waits then overlap in time. */
  readonly clock?: SimClock;
  /** The world's lock, when other processes share the world (the CLI's file: world-file.ts). */
  readonly hold?: (echo: string) => Promise<import("../../ports.js").EchoHold>;
}

export function createSandbox(world: SimWorld, options: SandboxOptions): Sandbox {
  const faults = options.faults ?? new Faults();
  const clock = options.clock ?? new SimClock(world, options.speed);
  const dataPlane = options.postgres ? new SandboxPostgres(options.postgres, world) : undefined;
  const engine = new SandboxEngine({ world, faults, clock, definitionFor: options.definitionFor, ...(options.persist ? { persist: options.persist } : {}), ...(options.hold ? { hold: options.hold } : {}), ...(dataPlane ? { dataPlane } : {}) });
  const rds = new SandboxRds(world, faults, dataPlane);
  return {
    world,
    faults,
    clock,
    engine,
    rds,
    snapshots: new SandboxSnapshots(world, faults, clock, rds, options.definition ?? (() => undefined)),
    dns: new SandboxDns(world, faults),
    approvals: new SandboxApprovals(world, faults),
    ...(dataPlane ? { databases: dataPlane } : {}),
  };
}

/** A fresh world seeded for a definition, starting at `now`. */
export function seededWorld(definition: EchoDefinition, now: Date): SimWorld {
  const world = emptyWorld(now.getTime(), definition.region);
  seed(world, definition);
  return world;
}

export { SANDBOX_FILE, WorldFile, replaceWorld } from "./world-file.js";
