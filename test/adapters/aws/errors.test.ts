import { RDSServiceException } from "@aws-sdk/client-rds";
import { describe, expect, it } from "vitest";
import { AccessDeniedError, InstanceNotFoundError, isAwsError, mapAwsError } from "../../../src/adapters/aws/errors.js";
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

  it("maps AccessDenied to an error naming the IAM action: AWS's own words when it says which, else the call's", () => {
    const denied = sdkError("AccessDenied");
    const mapped = mapAwsError(denied, "CopyDBSnapshot a to b", "rds:CopyDBSnapshot");
    expect(mapped).toBeInstanceOf(AccessDeniedError);
    expect(mapped).toMatchObject({ action: "rds:CopyDBSnapshot", cause: denied, message: expect.stringMatching(/^CopyDBSnapshot a to b: AWS denied rds:CopyDBSnapshot .*allow rds:CopyDBSnapshot/) });
    const viaRole = Object.assign(new RDSServiceException({ name: "AccessDenied", $fault: "client", $metadata: {} }), {
      message: "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/echo-source",
    });
    expect(mapAwsError(viaRole, "CreateDBSnapshot x", "rds:CreateDBSnapshot")).toMatchObject({ action: "sts:AssumeRole" });
    expect(mapAwsError(sdkError("KMSKeyNotAccessibleFault"), "CopyDBSnapshot a to b", "rds:CopyDBSnapshot")).toMatchObject({ message: expect.stringContaining("allow kms:CreateGrant and kms:DescribeKey") });
  });

  it("returns anything else unchanged, keeping the original as the cause of mapped ones", () => {
    const invalid = sdkError("InvalidParameterValue");
    expect(mapAwsError(invalid, "x")).toBe(invalid);
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
