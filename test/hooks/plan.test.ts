import { describe, expect, it } from "vitest";
import { buildHookSet, isSqlFile, redact, scrubProgress } from "../../src/hooks/plan.js";
import { hooksSchema } from "../../src/hooks/schema.js";
import { definitionFrom, developmentData } from "../helpers/definitions.js";

const spec = (hooks: unknown) => hooksSchema.parse(hooks);
const files = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe("the hooks' pure core", () => {
  const hooks = spec({ afterRestore: [{ sql: "scrub/a.sql" }, { run: "./scrub/b.sh --fast" }, { sql: "select 1", expect: 1 }] });
  const set = buildHookSet(hooks, "/stacks", files({ "scrub/a.sql": "update users set email = 'x'", "./scrub/b.sh": "#!/bin/sh\nexit 0" }));

  it("labels hooks, tells files from inline SQL, and reads timeouts", () => {
    expect(set.afterRestore.map((h) => h.label)).toEqual(["sql scrub/a.sql", "run ./scrub/b.sh --fast", 'sql "select 1"']);
    expect(set.afterRestore[0]!.text).toBe("update users set email = 'x'");
    expect(set.afterRestore.map((h) => h.timeoutMs)).toEqual([600_000, 600_000, 600_000]);
    expect(buildHookSet(spec({ beforePromote: [{ sql: "select 1", timeout: "90s" }] }), "/", new Map()).beforePromote[0]!.timeoutMs).toBe(90_000);
    expect(isSqlFile("scrub/anonymize.sql")).toBe(true);
    expect(isSqlFile("select * from x; -- y.sql")).toBe(false);
  });

  it("starts at the first hook that has not succeeded, and is complete only with the current list's mark", () => {
    const d = set.afterRestore.map((h) => h.digest);
    expect(scrubProgress(set, {})).toEqual({ complete: false, start: 0, total: 3 });
    expect(scrubProgress(set, { hooksDone: d[0] })).toEqual({ complete: false, start: 1, total: 3 });
    expect(scrubProgress(set, { hooksDone: d.join(",") })).toEqual({ complete: false, start: 3, total: 3 });
    expect(scrubProgress(set, { hooksDone: d.join(","), scrubbed: set.scrubDigest })).toEqual({ complete: true, start: 3, total: 3 });
    expect(scrubProgress(buildHookSet(undefined, "/", new Map()), {})).toEqual({ complete: true, start: 0, total: 0 });
  });

  it("reruns from a hook whose file (or script) changed since it ran", () => {
    const done = { hooksDone: set.afterRestore.map((h) => h.digest).join(","), scrubbed: set.scrubDigest };
    const scriptChanged = buildHookSet(hooks, "/stacks", files({ "scrub/a.sql": "update users set email = 'x'", "./scrub/b.sh": "#!/bin/sh\nexit 1" }));
    expect(scrubProgress(scriptChanged, done)).toEqual({ complete: false, start: 1, total: 3 });
    const sqlChanged = buildHookSet(hooks, "/stacks", files({ "scrub/a.sql": "update users set email = 'y'", "./scrub/b.sh": "#!/bin/sh\nexit 0" }));
    expect(scrubProgress(sqlChanged, done)).toEqual({ complete: false, start: 0, total: 3 });
    expect(sqlChanged.scrubDigest).not.toBe(set.scrubDigest);
  });

  it("redacts secrets from output", () => {
    expect(redact("PGPASSWORD=hunter22 and hunter22", ["hunter22"])).toBe("PGPASSWORD=******** and ********");
  });
});

describe("the hooks section of a definition", () => {
  const withHooks = (hooks: unknown, mutate: (d: Record<string, any>) => void = () => {}) => {
    const data = developmentData();
    data.hooks = hooks;
    mutate(data);
    return () => definitionFrom(data);
  };

  it("accepts the issue's example", () => {
    const d = withHooks({ afterRestore: [{ sql: "scrub/anonymize.sql" }, { run: "./scrub/extra.sh" }], beforePromote: [{ sql: "select count(*) from users", timeout: "60s" }] })();
    expect(d.hooks?.afterRestore).toHaveLength(2);
  });

  it("refuses both or neither of sql and run, expect on run, bad timeouts, unknown keys, and hooks without the password secret", () => {
    expect(withHooks({ afterRestore: [{ sql: "x.sql", run: "./x" }] })).toThrow(/hooks\.afterRestore\[0\] \(line \d+\): give exactly one of sql/);
    expect(withHooks({ afterRestore: [{ timeout: "1m" }] })).toThrow(/give exactly one of sql/);
    expect(withHooks({ beforePromote: [{ run: "./x", expect: 1 }] })).toThrow(/hooks\.beforePromote\[0\]\.expect \(line \d+\): applies to sql: hooks only/);
    expect(withHooks({ beforePromote: [{ sql: "select 1", timeout: "soon" }] })).toThrow(/hooks\.beforePromote\[0\]\.timeout \(line \d+\): must be a duration/);
    expect(withHooks({ afterRestor: [] })).toThrow(/afterRestor/);
    expect(withHooks({ afterRestore: [{ sql: "x.sql" }] }, (d) => delete d.modify.masterPassword)).toThrow(/hooks \(line \d+\): hooks connect as the master user with the password from modify.masterPassword/);
  });
});
