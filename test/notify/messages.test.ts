import { describe, expect, it } from "vitest";
import { failureNotification, notificationsFor, redact } from "../../src/notify/messages.js";

const facts = { echo: "development", command: "up", cname: "development.db.example.com", snapshots: new Map([["development-b", "rds:production-db-2026-11-26-03-10"]]) };

describe("notification messages", () => {
  it("a promotion names the CNAME, its target and the snapshot; a retire, what was destroyed", () => {
    const sent = notificationsFor(facts, [
      { step: "promote", generation: "development-b", detail: "development.db.example.com -> b.rds.amazonaws.com" },
      { step: "forget", generation: "development-a", detail: "demoted" },
      { step: "retire", generation: "development-0", detail: "final snapshot taken" },
    ]);
    expect(sent.map((n) => [n.event, n.subject])).toEqual([
      ["promoted", "[rds-echo] development: development-b promoted"],
      ["retired", "[rds-echo] development: development-0 retired"],
    ]);
    expect(sent[0]!.text).toBe("development-b now serves.\nCNAME: development.db.example.com -> b.rds.amazonaws.com\nSnapshot: rds:production-db-2026-11-26-03-10");
    expect(sent[1]!.text).toContain("development-0 was destroyed (final snapshot taken)");
  });

  it("a rollback is a promotion that says where it came back from", () => {
    const [n] = notificationsFor(facts, [
      { step: "rollback", generation: "development-b", detail: "development.db.example.com -> b.rds.amazonaws.com (rolled back from development-c)" },
      { step: "forget", generation: "development-c", detail: "rolled back" },
    ]);
    expect(n).toMatchObject({ event: "promoted", subject: "[rds-echo] development: rolled back to development-b" });
    expect(n!.text.split("\n")).toEqual([
      "Rolled back: development-b serves again, instead of development-c.",
      "CNAME: development.db.example.com -> b.rds.amazonaws.com",
      "Snapshot: rds:production-db-2026-11-26-03-10",
    ]);
  });

  it("waiting is said once, by the run that brings a generation there: for approval, or for --promote", () => {
    const approval = notificationsFor(facts, [
      { step: "reboot", generation: "development-b", detail: "rebooted" },
      { step: "wait", generation: "development-b", detail: "waits for approval: 0 of 1 approval(s)" },
    ]);
    expect(approval.map((n) => n.subject)).toEqual(["[rds-echo] development: development-b waits for approval"]);
    expect(approval[0]!.text).toContain("waits for approval: 0 of 1 approval(s)");
    const promote = notificationsFor(facts, [{ step: "hooks", generation: "development-b", detail: "scrubbed" }]);
    expect(promote.map((n) => n.subject)).toEqual(["[rds-echo] development: development-b waits for --promote"]);
    // A later run that only finds it still waiting says nothing; nor does one that promoted it.
    expect(notificationsFor(facts, [{ step: "wait", generation: "development-b", detail: "waits for approval: 0 of 1" }])).toEqual([]);
    expect(notificationsFor(facts, [{ step: "reboot", generation: "development-b", detail: "" }, { step: "promote", generation: "development-b", detail: "x -> y" }]).map((n) => n.event)).toEqual(["promoted"]);
  });

  it("a failure says which command failed, how, and what to do; long errors are cut", () => {
    const n = failureNotification(facts, Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n"), 1);
    expect(n.subject).toBe("[rds-echo] development: up failed");
    expect(n.text.split("\n")).toEqual(["rds-echo up development failed (exit 1):", ...Array.from({ length: 8 }, (_, i) => `line ${i}`), "…", "Rerun `rds-echo up development` to converge."]);
  });

  it("subjects are one ASCII line of at most 100 characters (SNS's rule)", () => {
    const [n] = notificationsFor({ ...facts, echo: "e".repeat(49) }, [{ step: "retire", generation: `${"e".repeat(49)}-20261126-0300-é`, detail: "x" }]);
    expect(n!.subject.length).toBeLessThanOrEqual(100);
    expect(n!.subject).toMatch(/^[\x20-\x7e]+\.\.\.$/);
  });

  it("redact masks every secret the run holds, in subject and text", () => {
    const n = failureNotification(facts, "password authentication failed for s3cret-Pa55word", 1);
    const masked = redact(n, ["s3cret-Pa55word", "x"]);
    expect(masked.text).toContain("failed for [secret]");
    expect(JSON.stringify(masked)).not.toContain("s3cret-Pa55word");
  });
});
