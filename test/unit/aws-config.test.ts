/** Bad AWS config fails with the config path named, before any resource is registered. */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { SpecError } from "../../components/spec";
import { parseStackConfig } from "../../stacks/config";
import { runMocked } from "./aws-mocks";

const aws = { region: "eu-central-1" };

function problems(raw: { buckets: unknown; aws?: unknown }): string[] {
  try {
    parseStackConfig(raw);
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    return e.problems;
  }
  throw new Error("expected a SpecError");
}

const bucket = (over: Record<string, unknown>) => ({ b1: { provider: "aws", ...over } });

describe("storage:aws settings", () => {
  it("is required when a bucket uses AWS", () => {
    expect(problems({ buckets: bucket({}) })).toEqual(["storage:aws: required when a bucket uses provider aws"]);
  });
  it.each([
    [{ region: "Frankfurt" }, "storage:aws.region: must be an AWS region such as eu-central-1"],
    [{ region: "cn-north-1" }, "storage:aws.region: only the commercial partition (arn:aws:) is supported"],
    [{ region: "eu-central-1", accountId: "12345" }, "storage:aws.accountId: must be a 12-digit AWS account id"],
    [{ region: "eu-central-1", protect: "yes" }, expect.stringMatching(/^storage:aws\.protect: /)],
    [{ region: "eu-central-1", acessLogging: false }, 'storage:aws: unknown field(s) "acessLogging"'],
  ])("names the bad field: %j", (settings, message) => {
    expect(problems({ buckets: bucket({}), aws: settings })).toEqual([message]);
  });
});

describe("bucket options", () => {
  it.each([
    [{ createKmsKye: true }, 'storage:buckets.b1.options: unknown field(s) "createKmsKye"'],
    [{ kmsKeyDeletionWindowDays: 3 }, "storage:buckets.b1.options.kmsKeyDeletionWindowDays: must be at least 7"],
    [{ logTargetBucket: "Logs!" }, "storage:buckets.b1.options.logTargetBucket: must be an S3 bucket name"],
    [{ keys: { app: { role: { assumedBy: ["*"] } } } }, expect.stringMatching(/^storage:buckets\.b1\.options\.keys\.app\.role\.assumedBy\[0\]: must be an IAM principal ARN/)],
    [{ keys: { app: { role: { assumedBy: [] } } } }, "storage:buckets.b1.options.keys.app.role.assumedBy: must name at least one principal"],
    [{ keys: { app: { user: true } } }, 'storage:buckets.b1.options.keys.app: unknown field(s) "user"'],
  ])("names the bad field: %j", (options, message) => {
    expect(problems({ buckets: bucket({ options, keys: { app: { access: ["read"], generation: 1 } } }), aws })).toEqual([message]);
  });
});

describe("what S3 would refuse", () => {
  it.each([
    [{ encryption: { kind: "kms", keyId: "my-key" } }, /^storage:buckets\.b1\.encryption\.keyId: must be a KMS key ARN/],
    [{ encryption: { kind: "kms", keyId: "alias/aws/s3" } }, /^storage:buckets\.b1\.encryption\.keyId: names an AWS-managed key/],
    [{ encryption: { kind: "kms", keyId: "arn:aws:kms:us-east-1:123456789012:alias/k" } }, /^storage:buckets\.b1\.encryption\.keyId: the key is in us-east-1 but storage:aws\.region is eu-central-1/],
    [{ encryption: { kind: "kms", keyId: "alias/k" }, options: { createKmsKey: true } }, /^storage:buckets\.b1\.options\.createKmsKey: conflicts with encryption\.keyId/],
    [{ options: { keys: { ghost: {} } } }, /^storage:buckets\.b1\.options\.keys\.ghost: there is no key "ghost"/],
    [{ options: { accessLogging: false, logTargetBucket: "central-logs" } }, /^storage:buckets\.b1\.options\.logTargetBucket: set, but access logging is off/],
    [{ lifecycle: [{ id: "x", expireDays: 1 }, { id: "x", expireDays: 2 }] }, /^storage:buckets\.b1\.lifecycle\[1\]\.id: "x" is already used by lifecycle\[0\]/],
    [
      { lifecycle: [{ id: "abort-incomplete-multipart-uploads", prefix: "tmp/", expireDays: 1 }] },
      /^storage:buckets\.b1\.lifecycle\[0\]\.id: "abort-incomplete-multipart-uploads" is reserved for the whole-bucket abort rule/,
    ],
    [{ versioning: false, lifecycle: [{ noncurrentExpireDays: 3 }] }, /^storage:buckets\.b1\.lifecycle\[0\]\.noncurrentExpireDays: has no effect with versioning: false/],
    // The bad inputs that the shared spec already refuses, seen through an AWS bucket.
    [{ cors: [{ origins: ["*"], methods: ["GET", "PUT"] }] }, /^storage:buckets\.b1\.cors\[0\]\.origins: must not be "\*" when write methods/],
    [{ lifecycle: [{ prefix: "tmp/" }] }, /^storage:buckets\.b1\.lifecycle\[0\]: needs at least one of expireDays/],
    [{ keys: { app: { access: [], generation: 1 } } }, /^storage:buckets\.b1\.keys\.app\.access: must grant at least one/],
  ])("%j", (over, message) => {
    const p = problems({ buckets: bucket(over), aws });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(message);
  });

  it("a reserved S3 name prefix in the logical name", () => {
    expect(problems({ buckets: { "xn--b1": { provider: "aws" } }, aws })).toEqual([
      'storage:buckets.xn--b1: the bucket name must not start with "xn--" (reserved by S3); rename the bucket',
    ]);
  });
});

describe("program with bad AWS config", () => {
  it("throws naming the option path and registers nothing", async () => {
    const { storageFromConfig: program } = await import("../../stacks/program");
    let error: unknown;
    const run = await runMocked(
      () => {
        try {
          program();
        } catch (e) {
          error = e;
        }
      },
      "unit",
      {
        "storage:buckets": JSON.stringify(bucket({ options: { createKmsKey: "yes" }, keys: { app: { access: ["read"], generation: 1 } } })),
        "storage:aws": JSON.stringify(aws),
      },
    );
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).problems).toEqual([expect.stringMatching(/^storage:buckets\.b1\.options\.createKmsKey: /)]);
    expect(run.resources).toEqual([]);
    expect(pulumi.runtime.allConfig()["storage:aws"]).toBe(JSON.stringify(aws));
  });
});
