import { afterEach, describe, expect, it } from "vitest";
import { startRdsEndpoint } from "../../src/adapters/sandbox/index.js";
import { approvalsOf, requestPromotion } from "../../src/lifecycle/approval.js";
import { loadEchoState } from "../../src/lifecycle/echo-state.js";
import { promoteGeneration } from "../../src/lifecycle/promote.js";
import { newGeneration } from "../../src/lifecycle/new.js";
import { up } from "../../src/lifecycle/up.js";
import { sandboxWorld, testDefinition, type World } from "../helpers/sandbox.js";

const ALICE = "alice@example.com";
const BOB = "bob@example.com";
const HOUR = 3_600_000;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

/** A world with an echo that asks for approval, its generation rebooted, and the sandbox's RDS endpoint on loopback. */
async function approvalWorld(): Promise<World> {
  const w = sandboxWorld(
    testDefinition((d) => {
      d.promote.approval = { approvers: [ALICE, BOB], required: 1, expires: "2d", email: { from: "rds-echo@example.com" } };
    }),
  );
  const endpoint = await startRdsEndpoint({ port: 0, withWorld: async (work) => work(w.sandbox.world) });
  closers.push(endpoint.close);
  w.sandbox.world.approval.endpoint = endpoint.url;
  await up(w.ctx(), { promote: false, retire: false });
  return w;
}

const state = (w: World) => loadEchoState(w.ports, w.definition);
const generation = async (w: World) => (await state(w)).generations.at(-1)!;

async function click(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.text() };
}

async function open(w: World, options: { approvers?: string[]; required?: number; expires?: string } = {}) {
  return requestPromotion(w.ctx(), await state(w), options);
}

const linkOf = (opened: Awaited<ReturnType<typeof open>>, approver: string) => opened.links.find((l) => l.approver === approver)!;

describe("promotion approval by signed links (sandbox RDS over loopback HTTP)", () => {
  it("waits without a request, then promotes once an approver clicks the approve link", async () => {
    const w = await approvalWorld();
    const g = await generation(w);
    const waiting = await promoteGeneration(w.ctx(), await state(w));
    expect(waiting).toEqual([{ step: "wait", generation: g.name, detail: expect.stringContaining("no approval request is open") }]);
    expect((await generation(w)).condition).toBe("rebooted");

    const opened = await open(w);
    expect(opened.request).toMatchObject({ generation: g.name, approvers: [ALICE, BOB], required: 1 });
    expect(opened.emailed).toEqual([ALICE, BOB]);
    expect(w.sandbox.world.outbox.map((m) => m.to)).toEqual([ALICE, BOB]);
    expect(w.sandbox.world.outbox[0]?.text).toContain(linkOf(opened, ALICE).approve);
    expect(w.sandbox.world.outbox[0]?.text).toMatch(/Restored from snapshot: +rds:production-db-/);

    const clicked = await click(linkOf(opened, ALICE).approve);
    expect(clicked.status).toBe(200);
    expect(clicked.body).toContain("<AddTagsToResourceResponse");
    expect(w.sandbox.world.rds.instances[g.name]?.tags[`echo:approval:${opened.request.id}:${ALICE}`]).toMatch(/^approved\.[0-9a-f]{64}$/);

    const [view] = await approvalsOf(w.ctx(), await state(w));
    expect(view).toMatchObject({ generation: g.name, approvedBy: [ALICE], granted: true });
    expect(view?.seen[ALICE]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const promoted = await promoteGeneration(w.ctx(), await state(w));
    expect(promoted[0]).toMatchObject({ step: "promote", generation: g.name });
    // Once promoted, nothing is open any more.
    expect(await approvalsOf(w.ctx(), await state(w))).toEqual([]);
  });

  it("an expired link is refused by RDS and the expired request stops promotion", async () => {
    const w = await approvalWorld();
    const opened = await open(w, { expires: "1h" });
    w.sandbox.clock.advance(2 * HOUR);
    const clicked = await click(linkOf(opened, ALICE).approve);
    expect(clicked.status).toBe(403);
    expect(clicked.body).toContain("<Code>ExpiredToken</Code>");
    const [wait] = await promoteGeneration(w.ctx(), await state(w));
    expect(wait).toMatchObject({ step: "wait", detail: expect.stringMatching(/request \S+ expired at .*open a new request/) });
  });

  it("a link for another (superseded) request never counts", async () => {
    const w = await approvalWorld();
    const first = await open(w);
    w.sandbox.clock.advance(60_000);
    const second = await open(w);
    expect(second.request.id).not.toBe(first.request.id);
    // The old link is still validly signed, so RDS sets its tag; it names the old request and counts for nothing.
    expect((await click(linkOf(first, ALICE).approve)).status).toBe(200);
    const [wait] = await promoteGeneration(w.ctx(), await state(w));
    expect(wait).toMatchObject({ step: "wait", detail: expect.stringContaining(`1 more approval needed from ${ALICE}, ${BOB}`) });
    // The stack records the second request only; no request lives on the instance.
    const g = (await generation(w)).name;
    expect(w.sandbox.world.stacks[g]!.settings.approvalRequest).toBe(second.request.id);
    expect(Object.keys(w.sandbox.world.rds.instances[g]!.tags).filter((k) => k.startsWith("echo:request:"))).toEqual([]);
  });

  it("a tampered link is refused: the signature no longer matches", async () => {
    const w = await approvalWorld();
    const opened = await open(w);
    const tampered = linkOf(opened, BOB).cancel.replace("cancelled", "approved");
    const clicked = await click(tampered);
    expect(clicked.status).toBe(403);
    expect(clicked.body).toContain("<Code>SignatureDoesNotMatch</Code>");
    const [wait] = await promoteGeneration(w.ctx(), await state(w));
    expect(wait?.step).toBe("wait");
  });

  it("a cancel always wins over approvals", async () => {
    const w = await approvalWorld();
    const opened = await open(w, { required: 1 });
    expect((await click(linkOf(opened, ALICE).approve)).status).toBe(200);
    expect((await click(linkOf(opened, BOB).cancel)).status).toBe(200);
    const [wait] = await promoteGeneration(w.ctx(), await state(w));
    expect(wait).toMatchObject({ step: "wait", detail: expect.stringContaining(`was cancelled by ${BOB}`) });
    const [view] = await approvalsOf(w.ctx(), await state(w));
    expect(view).toMatchObject({ approvedBy: [ALICE], cancelledBy: [BOB], granted: false });
  });

  it("a cancel stays: the same approver clicking approve afterwards does not undo it", async () => {
    const w = await approvalWorld();
    const opened = await open(w);
    expect((await click(linkOf(opened, ALICE).cancel)).status).toBe(200);
    expect((await click(linkOf(opened, ALICE).approve)).status).toBe(200);
    expect((await click(linkOf(opened, BOB).approve)).status).toBe(200);
    const [wait] = await promoteGeneration(w.ctx(), await state(w));
    expect(wait).toMatchObject({ step: "wait", detail: expect.stringContaining(`was cancelled by ${ALICE}`) });
  });

  it("an approval made for generation A never promotes generation B", async () => {
    const w = await approvalWorld();
    const a = await generation(w);
    const opened = await open(w);
    await click(linkOf(opened, ALICE).approve);
    expect((await promoteGeneration(w.ctx(), await state(w)))[0]?.step).toBe("promote");
    w.sandbox.clock.advance(21 * HOUR);
    await up(w.ctx(), { promote: false, retire: false });
    const b = await generation(w);
    expect(b.name).not.toBe(a.name);
    const reports = await up(w.ctx(), { promote: true, retire: false });
    expect(reports).toEqual([{ step: "wait", generation: b.name, detail: expect.stringContaining(`no approval request is open for ${b.name}`) }]);
    // A's links act on A's instance only; clicking one again changes nothing for B.
    expect((await click(linkOf(opened, BOB).approve)).status).toBe(200);
    expect((await up(w.ctx(), { promote: true, retire: false }))[0]?.step).toBe("wait");
  });

  it("the link signer can set approval tags only: RDS refuses anything else", async () => {
    const w = await approvalWorld();
    const opened = await open(w);
    const { presignApprovalLink } = await import("../../src/approval/links.js");
    const g = w.sandbox.world.rds.instances[(await generation(w)).name]!;
    const source = w.sandbox.world.rds.instances["production-db"]!;
    const { accessKeyId, secretAccessKey, endpoint } = w.sandbox.world.approval;
    // A validly signed link against an instance rds-echo does not manage.
    const value = `approved.${"0".repeat(64)}`;
    const foreign = await presignApprovalLink({ region: "eu-west-1", instanceArn: source.arn, requestId: opened.request.id, approver: ALICE, decision: "approved", value, expiresInSeconds: 600, credentials: { accessKeyId, secretAccessKey }, now: new Date(w.sandbox.world.now), endpoint });
    const refused = await click(foreign);
    expect(refused.status).toBe(403);
    expect(refused.body).toContain("<Code>AccessDenied</Code>");
    expect(source.tags).toEqual({ environment: "production" });
    expect(g.tags[`echo:approval:${opened.request.id}:${ALICE}`]).toBeUndefined();
  });

  it("a late approval of a generation a newer one has overtaken never moves the CNAME back: it is superseded", async () => {
    const w = await approvalWorld();
    const a = await generation(w);
    const opened = await open(w);
    // B overtakes A: started with --force, promoted with its own approval.
    w.sandbox.clock.advance(21 * HOUR);
    const b = (await newGeneration(w.ctx({ force: true }), await state(w))).generation;
    await up(w.ctx(), { promote: false, retire: false });
    await click(linkOf(await open(w), ALICE).approve);
    expect((await promoteGeneration(w.ctx(), await state(w)))[0]).toMatchObject({ step: "promote", generation: b });
    const cname = () => w.sandbox.world.route53.zones[0]!.records["development.db.example.com"]!.values[0];
    const servedByB = cname();

    // Now A's approval arrives, late.
    expect((await click(linkOf(opened, ALICE).approve)).status).toBe(200);
    const [view] = await approvalsOf(w.ctx(), await state(w));
    expect(view).toMatchObject({ generation: a.name, approvedBy: [ALICE], granted: false, supersededBy: b });
    await expect(promoteGeneration(w.ctx(), await state(w))).rejects.toThrow(`${a.name} is superseded by ${b}`);
    expect(await up(w.ctx(), { promote: true, retire: false })).toEqual([]);
    expect(cname()).toBe(servedByB);
  });
});
