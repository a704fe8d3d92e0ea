/**
 * Approvals nobody can forge (issue 18, items 1-5), on the sandbox with its RDS endpoint on loopback: the request
 * lives in the generation's stack, decisions count only with their proof, a new request supersedes the old one even
 * in the same second, a cancel during the prompt or the hooks stops the flip, and cluster echoes ask for approval
 * too. (Item 4, a superseded generation after a rollback and a retire, is in rollback.test.ts.)
 */
import { afterEach, describe, expect, it } from "vitest";
import { startRdsEndpoint } from "../../src/adapters/sandbox/index.js";
import { GuardError } from "../../src/errors.js";
import { buildHookSet } from "../../src/hooks/plan.js";
import { approvalsOf, requestPromotion } from "../../src/lifecycle/approval.js";
import { loadEchoState } from "../../src/lifecycle/echo-state.js";
import { promoteGeneration } from "../../src/lifecycle/promote.js";
import { up } from "../../src/lifecycle/up.js";
import type { DatabaseConnection, DatabasePort, Prompt, SqlResult } from "../../src/ports.js";
import { clusterDefinition } from "../helpers/clusters.js";
import { sandboxWorld, testDefinition, type World } from "../helpers/sandbox.js";
import type { EchoDefinition } from "../../src/definition/schema.js";
import type { StepContext } from "../../src/lifecycle/context.js";

const ALICE = "alice@example.com";
const BOB = "bob@example.com";
const MALLORY = "mallory@example.com";
const HOUR = 3_600_000;
const CNAME = "development.db.example.com";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

const asksApproval = (d: Record<string, any>) => {
  d.promote.approval = { approvers: [ALICE, BOB], required: 1, expires: "2d" };
};

/** A world whose echo asks for approval, with the sandbox's RDS endpoint on loopback; `up` brings it to rebooted. */
async function approvalWorld(definition: EchoDefinition = testDefinition(asksApproval), ctxOf: (w: World) => StepContext = (w) => w.ctx()): Promise<World> {
  const w = sandboxWorld(definition);
  const endpoint = await startRdsEndpoint({ port: 0, withWorld: async (work) => work(w.sandbox.world) });
  closers.push(endpoint.close);
  w.sandbox.world.approval.endpoint = endpoint.url;
  await up(ctxOf(w), { promote: false, retire: false });
  return w;
}

const state = (w: World) => loadEchoState(w.ports, w.definition);
const newest = async (w: World) => (await state(w)).generations.at(-1)!;
const open = async (w: World, options: { approvers?: string[]; required?: number } = {}) => requestPromotion(w.ctx(), await state(w), options);
const linkOf = (opened: Awaited<ReturnType<typeof open>>, approver: string) => opened.links.find((l) => l.approver === approver)!;
const cnameTarget = (w: World, name = CNAME) => w.sandbox.world.route53.zones.flatMap((z) => Object.entries(z.records)).find(([n]) => n === name)?.[1].values[0];

async function click(url: string): Promise<number> {
  const response = await fetch(url);
  await response.text();
  return response.status;
}

/** Tags written with plain tagging rights (RDS AddTagsToResource as any principal allowed to tag the instance). */
async function tagAsAnyone(w: World, generation: string, tags: Record<string, string>): Promise<void> {
  const arn = w.sandbox.world.rds.instances[generation]!.arn;
  await w.ports.rds.addTags(arn, tags);
}

describe("item 1: the request is the stack's, and a decision counts only with its proof", () => {
  it("a request and an approval written as tags by someone with tagging rights open and grant nothing", async () => {
    const w = await approvalWorld();
    const g = (await newest(w)).name;
    const id = "r20261125t1230-evil";
    await tagAsAnyone(w, g, {
      [`echo:request:${id}`]: `gen=${g} req=1 at=2026-11-25T12:30:00Z exp=2026-11-30T12:30:00Z by=${MALLORY}`,
      [`echo:approval:${id}:${MALLORY}`]: "approved",
    });
    expect(await approvalsOf(w.ctx(), await state(w))).toEqual([]);
    const [wait] = await promoteGeneration(w.ctx(), await state(w));
    expect(wait).toMatchObject({ step: "wait", detail: expect.stringContaining(`no approval request is open for ${g}`) });
    expect(cnameTarget(w)).toBeUndefined();
  });

  it("on an open request, hand-written decisions, unlisted approvers and values copied to other keys are ignored; a link's value counts", async () => {
    const w = await approvalWorld();
    const g = (await newest(w)).name;
    const opened = await open(w);
    const id = opened.request.id;
    await tagAsAnyone(w, g, {
      [`echo:approval:${id}:${ALICE}`]: "approved",
      [`echo:approval:${id}:${MALLORY}`]: `approved.${"0".repeat(64)}`,
    });
    const [view] = await approvalsOf(w.ctx(), await state(w));
    expect(view).toMatchObject({ granted: false, approvedBy: [], ignored: expect.arrayContaining([`echo:approval:${id}:${ALICE}`, `echo:approval:${id}:${MALLORY}`]) });
    expect((await promoteGeneration(w.ctx(), await state(w)))[0]?.step).toBe("wait");

    // Bob clicks his link; a tagger copies Bob's proven value onto Alice's key: only Bob's counts.
    expect(await click(linkOf(opened, BOB).approve)).toBe(200);
    const bobs = w.sandbox.world.rds.instances[g]!.tags[`echo:approval:${id}:${BOB}`]!;
    await tagAsAnyone(w, g, { [`echo:approval:${id}:${ALICE}`]: bobs });
    const [after] = await approvalsOf(w.ctx(), await state(w));
    expect(after).toMatchObject({ granted: true, approvedBy: [BOB], ignored: expect.arrayContaining([`echo:approval:${id}:${ALICE}`]) });
  });

  it("a cancel written as a tag does not block, but a cancel link does", async () => {
    const w = await approvalWorld();
    const g = (await newest(w)).name;
    const opened = await open(w);
    expect(await click(linkOf(opened, ALICE).approve)).toBe(200);
    await tagAsAnyone(w, g, { [`echo:approval:${opened.request.id}:${BOB}:cancel`]: "cancelled" });
    expect((await approvalsOf(w.ctx(), await state(w)))[0]).toMatchObject({ granted: true, cancelledBy: [] });
    expect(await click(linkOf(opened, BOB).cancel)).toBe(200);
    expect((await approvalsOf(w.ctx(), await state(w)))[0]).toMatchObject({ granted: false, cancelledBy: [BOB] });
  });

  it("opening a request is a stack update of its own, in the history, that changes no resource", async () => {
    const w = await approvalWorld();
    const g = (await newest(w)).name;
    const before = w.sandbox.world.stacks[g]!.history.length;
    const opened = await open(w);
    const stack = w.sandbox.world.stacks[g]!;
    expect(stack.settings).toMatchObject({
      stage: "rebooted",
      approvalRequest: opened.request.id,
      approvalApprovers: `${ALICE},${BOB}`,
      approvalRequired: 1,
      approvalOpened: opened.request.createdAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
      approvalExpires: opened.request.expiresAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
    });
    expect(stack.history.length).toBe(before + 1);
    const entry = stack.history.at(-1)!;
    expect(entry.message).toBe(`request approval ${g} (${opened.request.id})`);
    expect(entry.resourceChanges).not.toHaveProperty("update");
    expect(entry.resourceChanges).not.toHaveProperty("create");
    expect(entry.resourceChanges).not.toHaveProperty("replace");
    expect(entry.resourceChanges).not.toHaveProperty("delete");
    // No request tag on the instance: nothing there is read as the request.
    expect(Object.keys(w.sandbox.world.rds.instances[g]!.tags).filter((k) => k.startsWith("echo:request:"))).toEqual([]);
  });
});

describe("item 2: a new request supersedes every older one", () => {
  it("refuses while the stack's request is not older than now (the same second, a clock behind)", async () => {
    const w = await approvalWorld();
    const first = await open(w);
    await expect(open(w)).rejects.toBeInstanceOf(GuardError);
    w.sandbox.world.now -= HOUR; // this host's clock is an hour behind the one that opened the request
    await expect(open(w)).rejects.toThrow(/not before now/);
    w.sandbox.world.now += HOUR + 1000;
    const second = await open(w);
    expect(second.request.id).not.toBe(first.request.id);
    // The first request's links and cancels count for nothing any more.
    expect(await click(linkOf(first, ALICE).approve)).toBe(200);
    expect(await click(linkOf(first, BOB).cancel)).toBe(200);
    expect((await approvalsOf(w.ctx(), await state(w)))[0]).toMatchObject({ granted: false, approvedBy: [], cancelledBy: [] });
  });

  it("removes every earlier request's keys, well-formed or not", async () => {
    const w = await approvalWorld();
    const g = (await newest(w)).name;
    const first = await open(w);
    expect(await click(linkOf(first, ALICE).approve)).toBe(200);
    await approvalsOf(w.ctx(), await state(w)); // records echo:seen:<first>
    await tagAsAnyone(w, g, { "echo:request:r20261125t1230-zzzz": "gen=x", "echo:approval:junk": "approved" });
    w.sandbox.clock.advance(1000);
    const second = await open(w);
    const left = Object.keys(w.sandbox.world.rds.instances[g]!.tags).filter((k) => /^echo:(approval|request|seen):/.test(k));
    expect(left).toEqual([]);
    expect(await click(linkOf(second, BOB).approve)).toBe(200);
    expect((await promoteGeneration(w.ctx(), await state(w)))[0]).toMatchObject({ step: "promote", generation: g });
  });
});

/** A prompt that, while the person reads it, lets something happen (a cancel click), then says yes. */
class PromptThatWaits implements Prompt {
  readonly interactive = true;
  constructor(private readonly meanwhile: () => Promise<void>) {}
  async confirm(): Promise<boolean> {
    await this.meanwhile();
    return true;
  }
}

describe("item 3: a cancel during the prompt or the beforePromote hooks stops the flip", () => {
  it("a cancel clicked while the confirmation prompt waits: nothing moves, promote says why", async () => {
    const w = await approvalWorld();
    const g = (await newest(w)).name;
    const opened = await open(w);
    expect(await click(linkOf(opened, ALICE).approve)).toBe(200);
    const prompt = new PromptThatWaits(async () => expect(await click(linkOf(opened, BOB).cancel)).toBe(200));
    const reports = await promoteGeneration(w.ctx({ yes: false }, prompt), await state(w));
    expect(reports).toEqual([{ step: "wait", generation: g, detail: expect.stringContaining(`was cancelled by ${BOB}`) }]);
    expect(cnameTarget(w)).toBeUndefined();
    expect((await newest(w)).condition).toBe("rebooted");
    expect(w.sandbox.world.stacks[g]!.settings.stage).toBe("rebooted");
  });

  it("a cancel clicked while a beforePromote hook runs: nothing moves", async () => {
    const definition = testDefinition((d) => {
      asksApproval(d);
      d.hooks = { afterRestore: [], beforePromote: [{ sql: "select 1", expect: 1 }] };
    });
    const hooks = buildHookSet(definition.hooks, "/stacks", new Map());
    let during: () => Promise<void> = async () => {};
    const databases: DatabasePort = {
      connect: async (r) => ({ engine: "postgres", host: "h", port: 5432, user: "master", password: r.password, database: "d", tls: false, label: "postgres://master@h:5432/d" }) as DatabaseConnection,
      runSql: async (): Promise<SqlResult> => {
        await during();
        return { firstValue: "1", output: "SELECT 1" };
      },
      runCommand: async () => {
        throw new Error("no commands here");
      },
    };
    const withHooks = (x: World): StepContext => ({ ...x.ctx(), ports: { ...x.ports, databases }, hooks });
    const w = await approvalWorld(definition, withHooks);
    const ctx = () => withHooks(w);
    const g = (await newest(w)).name;
    const opened = await requestPromotion(ctx(), await state(w), {});
    expect(await click(linkOf(opened, ALICE).approve)).toBe(200);
    during = async () => expect(await click(linkOf(opened, BOB).cancel)).toBe(200);
    const reports = await promoteGeneration(ctx(), await state(w));
    expect(reports).toEqual([{ step: "wait", generation: g, detail: expect.stringContaining(`was cancelled by ${BOB}`) }]);
    expect(cnameTarget(w)).toBeUndefined();
    expect(w.sandbox.world.stacks[g]!.settings.stage).toBe("rebooted");
  });
});

describe("item 3 (continued): finishing an interrupted promotion", () => {
  it("a cancel clicked while up's prompt waits stops the re-applied promotion too", async () => {
    const w = await approvalWorld();
    const a = (await newest(w)).name;
    const first = await open(w);
    expect(await click(linkOf(first, ALICE).approve)).toBe(200);
    expect((await promoteGeneration(w.ctx(), await state(w)))[0]).toMatchObject({ step: "promote", generation: a });
    const servedByA = cnameTarget(w);
    w.sandbox.clock.advance(21 * HOUR);
    await up(w.ctx(), { promote: false, retire: false });
    const b = (await newest(w)).name;
    const opened = await open(w);
    expect(await click(linkOf(opened, ALICE).approve)).toBe(200);
    // Route 53 fails the flip: B's stack says promoted, the CNAME still names A.
    w.sandbox.faults.failOnce("route53.ChangeResourceRecordSets", "Rate exceeded for ChangeResourceRecordSets");
    await expect(promoteGeneration(w.ctx(), await state(w))).rejects.toThrow(/ChangeResourceRecordSets/);
    expect((await state(w)).generations.map((g) => g.condition)).toEqual(["promoted", "promoted"]);

    const prompt = new PromptThatWaits(async () => expect(await click(linkOf(opened, BOB).cancel)).toBe(200));
    const reports = await up(w.ctx({ yes: false }, prompt), { promote: true, retire: false });
    expect(reports).toEqual([{ step: "wait", generation: b, detail: expect.stringContaining(`was cancelled by ${BOB}`) }]);
    expect(cnameTarget(w)).toBe(servedByA);
  });
});

describe("item 5: cluster echoes ask for approval too", () => {
  it("promote --request signs links for the cluster, a click approves, promote flips", async () => {
    const definition = clusterDefinition((d) => {
      d.promote.approval = { approvers: [ALICE], required: 1, expires: "1d" };
    });
    const w = await approvalWorld(definition);
    const g = (await newest(w)).name;
    const opened = await open(w);
    expect(linkOf(opened, ALICE).approve).toContain(encodeURIComponent(`:cluster:${g}`));
    expect((await promoteGeneration(w.ctx(), await state(w)))[0]?.step).toBe("wait");
    expect(await click(linkOf(opened, ALICE).approve)).toBe(200);
    expect(w.sandbox.world.rds.clusters?.[g]?.tags[`echo:approval:${opened.request.id}:${ALICE}`]).toMatch(/^approved\./);
    expect((await promoteGeneration(w.ctx(), await state(w)))[0]).toMatchObject({ step: "promote", generation: g });
  });
});
