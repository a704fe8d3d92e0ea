/**
 * The custom timeout the engine sends in a Create, Update or Delete request reaches the provider's waits: the wrap
 * server-hooks.ts installs on the gRPC server's handlers, exercised on a real @grpc/grpc-js Server.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { timeoutMs } from "./operation-timeouts.js";
import { hookServer } from "./server-hooks.js";

const requireFromPulumi = createRequire(createRequire(import.meta.url).resolve("@pulumi/pulumi"));
const grpc = requireFromPulumi("@grpc/grpc-js") as { Server: new () => { addService(service: unknown, implementation: Record<string, unknown>): void } };

describe("operation timeouts", () => {
  it("a request's timeout is its operation's, for the waits inside it; other waits keep their defaults", async () => {
    hookServer({ onConfigure: () => undefined, onRead: () => undefined, planUpdate: (_u, _o, news) => news });
    const seen: Record<string, number[]> = {};
    const record = (name: string) => async (_call: unknown, callback: (error: unknown) => void) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen[name] = [timeoutMs("create", 40), timeoutMs("update", 80), timeoutMs("delete", 60)];
      callback(undefined);
    };
    const implementation: Record<string, unknown> = { create: record("create"), update: record("update"), delete: record("delete") };
    // A service definition with the three methods, as the SDK's generated one has them (serialisation unused here).
    const method = (path: string) => ({ path, requestStream: false, responseStream: false, requestSerialize: String, requestDeserialize: String, responseSerialize: String, responseDeserialize: String });
    new grpc.Server().addService({ create: method("/t/Create"), update: method("/t/Update"), delete: method("/t/Delete") }, implementation);
    // What the hooks read of a real request: its URN and ignoreChanges (update), preview flag and timeout.
    const call = (timeout: number) => ({ request: { getPreview: () => false, getTimeout: () => timeout, getUrn: () => "urn:pulumi:t::t::aws:rds/instance:Instance::db", getIgnorechangesList: () => [] } });
    const invoke = (name: string, timeout: number) => new Promise((resolve) => (implementation[name] as (c: unknown, cb: (e: unknown) => void) => void)(call(timeout), resolve));
    await invoke("create", 120);
    await invoke("update", 7200);
    await invoke("delete", 0);
    expect(seen).toEqual({ create: [120_000, 80, 60], update: [40, 7_200_000, 60], delete: [40, 80, 60] });
  });
});
