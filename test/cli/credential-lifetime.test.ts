import { describe, expect, it } from "vitest";
import { credentialLifetimeProblem } from "../../src/cli/handlers/credential-lifetime.js";

const NOW = new Date("2026-12-04T12:00:00Z");
const hours = (h: number) => new Date(NOW.getTime() + h * 3_600_000);
const session = { fromEnvironment: true, temporary: true };

describe("credentials that must outlast a restore", () => {
  it("refuses an environment session expiring before timeouts.create, and says when and how to fix it", () => {
    expect(credentialLifetimeProblem({ ...session, expiration: hours(1) }, 2880, NOW)).toMatch(/expires in 1 h \(2026-12-04T13:00:00.000Z\), and timeouts.create is 48 h/);
    expect(credentialLifetimeProblem({ ...session, expiration: hours(-1) }, 2880, NOW)).toMatch(/has expired already/);
    expect(credentialLifetimeProblem({ ...session, expiration: hours(1.5) }, 120, NOW)).toMatch(/expires in 1 h 30 min .* timeouts.create is 2 h/);
  });

  it("accepts one that lasts long enough, long-term keys, and anything that refreshes itself", () => {
    expect(credentialLifetimeProblem({ ...session, expiration: hours(3) }, 120, NOW)).toBeUndefined();
    expect(credentialLifetimeProblem({ fromEnvironment: true, temporary: false }, 2880, NOW)).toBeUndefined();
    // A profile's role, a container or instance role: the SDKs refresh them, whatever their current expiry.
    expect(credentialLifetimeProblem({ fromEnvironment: false, temporary: true, expiration: hours(1) }, 2880, NOW)).toBeUndefined();
  });

  it("a session of unknown expiry passes only a timeout no session could fall short of (36 h)", () => {
    expect(credentialLifetimeProblem(session, 36 * 60, NOW)).toBeUndefined();
    expect(credentialLifetimeProblem(session, 36 * 60 + 1, NOW)).toMatch(/unknown expiry lasts at most 36 h, and timeouts.create is 36 h 1 min/);
  });
});
