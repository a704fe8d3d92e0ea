import { describe, expect, it } from "vitest";
import { holdingEcho } from "../../src/lifecycle/hold.js";
import type { EchoHold, StackEngine } from "../../src/ports.js";
import { sandboxWorld } from "../helpers/sandbox.js";

/** The sandbox's world with an engine that holds echoes as `hold` says. */
function withHold(hold: (echo: string) => Promise<EchoHold>) {
  const world = sandboxWorld();
  const engine: StackEngine = Object.create(world.ports.engine, { hold: { value: hold } });
  const ctx = world.ctx();
  return { ...ctx, ports: { ...ctx.ports, engine } };
}

describe("a run holds its echo", () => {
  it("runs the steps while it holds the echo, and gives it up afterwards, even when a step fails", async () => {
    const events: string[] = [];
    const ctx = withHold(async (echo) => {
      events.push(`hold ${echo}`);
      return { held: true, release: async () => void events.push("release") };
    });
    expect(await holdingEcho(ctx, async () => (events.push("steps"), [{ step: "modify", generation: "g", detail: "" }]))).toHaveLength(1);
    await expect(holdingEcho(ctx, async () => Promise.reject(new Error("AWS said no")))).rejects.toThrow("AWS said no");
    expect(events).toEqual(["hold development", "steps", "release", "hold development", "release"]);
  });

  it("another run holds it: busy at once, nothing read or done, and no release of what is not ours", async () => {
    let ran = false;
    const ctx = withHold(async () => ({ held: false, holder: "pid 7 on host-a, whose lease on it lasts until 2026-12-04T10:03:00Z unless renewed" }));
    const reports = await holdingEcho(ctx, async () => ((ran = true), []));
    expect(ran).toBe(false);
    expect(reports).toEqual([{ step: "busy", generation: "-", detail: "another run is updating it: pid 7 on host-a, whose lease on it lasts until 2026-12-04T10:03:00Z unless renewed" }]);
  });

  it("the sandbox in memory grants every hold (nothing else reaches its world) and runs the steps as before", async () => {
    const world = sandboxWorld();
    expect(await world.ports.engine.hold!("development")).toMatchObject({ held: true });
    expect(await holdingEcho(world.ctx(), async () => [{ step: "new", generation: "g", detail: "" }])).toHaveLength(1);
  });
});
