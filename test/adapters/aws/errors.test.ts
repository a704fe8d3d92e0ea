import { RDSServiceException } from "@aws-sdk/client-rds";
import { describe, expect, it } from "vitest";
import { InstanceNotFoundError, isAwsError, mapAwsError } from "../../../src/adapters/aws/errors.js";
import { SnapshotNotFoundError, ThrottledError } from "../../../src/errors.js";

function sdkError(name: string, extra: { $retryable?: { throttling?: boolean } } = {}): RDSServiceException {
  // The exception's constructor does not take $retryable; the SDK sets it on modelled retryable errors.
  return Object.assign(new RDSServiceException({ name, $fault: "client", message: `${name} happened`, $metadata: {} }), extra);
}

describe("mapAwsError", () => {
  it.each(["ThrottlingException", "Throttling", "RequestLimitExceeded", "TooManyRequestsException"])("maps %s to ThrottledError", (name) => {
    const mapped = mapAwsError(sdkError(name), "DescribeDBInstances a");
    expect(mapped).toBeInstanceOf(ThrottledError);
    expect(mapped).toHaveProperty("message", `DescribeDBInstances a: AWS throttled the request (${name}: ${name} happened)`);
  });

  it("maps any error the SDK marks as retryable throttling", () => {
    expect(mapAwsError(sdkError("SlowDown", { $retryable: { throttling: true } }), "x")).toBeInstanceOf(ThrottledError);
  });

  it("maps instance and snapshot not-found codes, by code and by the SDK's exception names", () => {
    expect(mapAwsError(sdkError("DBInstanceNotFound"), "x")).toBeInstanceOf(InstanceNotFoundError);
    expect(mapAwsError(sdkError("DBInstanceNotFoundFault"), "x")).toBeInstanceOf(InstanceNotFoundError);
    expect(mapAwsError(sdkError("DBSnapshotNotFound"), "x")).toBeInstanceOf(SnapshotNotFoundError);
    expect(mapAwsError(sdkError("DBSnapshotNotFoundFault"), "x")).toBeInstanceOf(SnapshotNotFoundError);
  });

  it("returns anything else unchanged, keeping the original as the cause of mapped ones", () => {
    const denied = sdkError("AccessDenied");
    expect(mapAwsError(denied, "x")).toBe(denied);
    expect(mapAwsError("a string", "x")).toBe("a string");
    const throttled = sdkError("Throttling");
    expect((mapAwsError(throttled, "x") as Error).cause).toBe(throttled);
  });

  it("recognises SDK errors without casting, and rejects non-errors", () => {
    expect(isAwsError(sdkError("Throttling"))).toBe(true);
    expect(isAwsError({ name: "Throttling" })).toBe(false);
    expect(isAwsError(undefined)).toBe(false);
  });
});
