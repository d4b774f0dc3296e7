/**
 * The MinIO bucket's read against a scripted S3 server: a clean bucket reads as declared (no
 * drift), each out-of-band change reads as a change the diff sees, and only "not configured"
 * answers mean absent.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { changedKeys } from "../../components/dynamic";
import { provider, type MinioBucketInputs } from "../../components/minio/bucket-impl";
import {
  declaredState,
  readSecurityState,
  s3LifecycleRules,
  sameLifecycle,
  SECURITY_KEYS,
} from "../../components/minio/bucket-state";
import { OWNER_TAG } from "../../components/minio/owner";

const inputs: MinioBucketInputs = {
  conn: { endpoint: "http://127.0.0.1:9000", region: "us-east-1" },
  bucket: "docs-unit-abc123",
  owner: "secure-storage/unit/docs",
  versioning: true,
  kmsKeyId: "dev-sse-key",
  lifecycle: [{ id: "tmp", prefix: "tmp/", expireDays: 7 }, { noncurrentExpireDays: 30 }],
  objectLock: { mode: "GOVERNANCE", days: 1 },
  forceDestroy: false,
};

const absent = (name: string) => Object.assign(new Error(name), { name });

type Replies = Record<string, () => unknown>;

/** What MinIO answers for a fully configured stack bucket. */
function clean(): Replies {
  return {
    GetBucketVersioningCommand: () => ({ Status: "Enabled" }),
    GetBucketEncryptionCommand: () => ({
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: "dev-sse-key" } }],
      },
    }),
    // MinIO's own order and key order, not ours.
    GetBucketLifecycleConfigurationCommand: () => ({
      Rules: [
        {
          Status: "Enabled",
          ID: "rule-2",
          Filter: { Prefix: "" },
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
        },
        { Status: "Enabled", Expiration: { Days: 7 }, ID: "tmp", Filter: { Prefix: "tmp/" } },
      ],
    }),
    GetBucketPolicyCommand: () => {
      throw absent("NoSuchBucketPolicy");
    },
    GetBucketTaggingCommand: () => ({ TagSet: [{ Key: OWNER_TAG, Value: "secure-storage/unit/docs" }] }),
    GetObjectLockConfigurationCommand: () => ({
      ObjectLockConfiguration: {
        ObjectLockEnabled: "Enabled",
        Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: 1 } },
      },
    }),
  };
}

function server(replies: Replies): S3Client {
  return {
    send: async (command: object) => {
      const reply = replies[command.constructor.name];
      if (!reply) throw new Error(`unexpected ${command.constructor.name}`);
      return reply();
    },
  } as unknown as S3Client;
}

async function readProps(replies: Replies): Promise<Record<string, unknown>> {
  return { ...inputs, ...(await readSecurityState(server(replies), inputs.bucket, inputs)) };
}

/** The security props a refresh would record as changed, and whether the diff asks for an update. */
async function drift(change: Partial<Replies>): Promise<{ keys: string[]; changes: boolean | undefined }> {
  const olds = await readProps({ ...clean(), ...change } as Replies);
  const wanted = { ...inputs, ...declaredState(inputs) };
  const d = await provider.diff(inputs.bucket, olds, inputs as unknown as Record<string, unknown>);
  return { keys: changedKeys(olds, wanted, SECURITY_KEYS), changes: d.changes };
}

describe("MinIO bucket read", () => {
  it("a clean bucket reads exactly as declared: no drift", async () => {
    expect(await drift({})).toEqual({ keys: [], changes: false });
  });

  it.each<[string, Partial<Replies>, string[]]>([
    [
      "an anonymous-read bucket policy",
      { GetBucketPolicyCommand: () => ({ Policy: '{"Statement":[{"Principal":{"AWS":["*"]}}]}' }) },
      ["bucketPolicy"],
    ],
    ["versioning suspended", { GetBucketVersioningCommand: () => ({ Status: "Suspended" }) }, ["versioning"]],
    [
      "encryption removed",
      {
        GetBucketEncryptionCommand: () => {
          throw absent("ServerSideEncryptionConfigurationNotFoundError");
        },
      },
      ["sseAlgorithm", "kmsKeyId"],
    ],
    [
      "encryption switched to SSE-S3",
      {
        GetBucketEncryptionCommand: () => ({
          ServerSideEncryptionConfiguration: {
            Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
          },
        }),
      },
      ["sseAlgorithm", "kmsKeyId"],
    ],
    [
      "another KMS key",
      {
        GetBucketEncryptionCommand: () => ({
          ServerSideEncryptionConfiguration: {
            Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: "other" } }],
          },
        }),
      },
      ["kmsKeyId"],
    ],
    [
      "a rule's contents changed under the same id",
      {
        GetBucketLifecycleConfigurationCommand: () => ({
          Rules: [
            {
              Status: "Enabled",
              ID: "rule-2",
              Filter: { Prefix: "" },
              NoncurrentVersionExpiration: { NoncurrentDays: 30 },
            },
            { Status: "Enabled", Expiration: { Days: 3650 }, ID: "tmp", Filter: { Prefix: "tmp/" } },
          ],
        }),
      },
      ["lifecycle"],
    ],
    [
      "lifecycle removed",
      {
        GetBucketLifecycleConfigurationCommand: () => {
          throw absent("NoSuchLifecycleConfiguration");
        },
      },
      ["lifecycle"],
    ],
    [
      "owner tag removed",
      {
        GetBucketTaggingCommand: () => {
          throw absent("NoSuchTagSet");
        },
      },
      ["owner"],
    ],
    [
      "default retention removed",
      { GetObjectLockConfigurationCommand: () => ({ ObjectLockConfiguration: { ObjectLockEnabled: "Enabled" } }) },
      ["objectLock"],
    ],
  ])("%s is drift the diff sees", async (_what, change, keys) => {
    expect(await drift(change)).toEqual({ keys, changes: true });
  });

  it("every prop a read reports is one the diff compares", async () => {
    const everything = await readSecurityState(
      server({ ...clean(), GetBucketPolicyCommand: () => ({ Policy: "{}" }) }),
      inputs.bucket,
      { ...inputs, objectLock: undefined, lifecycle: [] },
    );
    expect(Object.keys(everything).sort()).toEqual([...SECURITY_KEYS].sort());
  });

  it("a failure other than not-configured is an error, not an absent setting", async () => {
    const down = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9000"), { name: "Error" });
    await expect(
      readSecurityState(
        server({
          ...clean(),
          GetBucketEncryptionCommand: () => {
            throw down;
          },
        }),
        inputs.bucket,
        inputs,
      ),
    ).rejects.toThrow(/ECONNREFUSED/);
    const denied = absent("AccessDenied");
    await expect(
      readSecurityState(
        server({
          ...clean(),
          GetBucketPolicyCommand: () => {
            throw denied;
          },
        }),
        inputs.bucket,
        inputs,
      ),
    ).rejects.toThrow(/AccessDenied/);
  });
});

describe("lifecycle comparison", () => {
  const declared = inputs.lifecycle;
  it("is by contents, whatever the order", () => {
    expect(sameLifecycle(declared, [...s3LifecycleRules(declared)].reverse())).toBe(true);
  });
  it("sees a changed prefix, a disabled rule, an extra rule and a tag filter", () => {
    const rules = s3LifecycleRules(declared);
    expect(sameLifecycle(declared, [{ ...rules[0], Filter: { Prefix: "" } }, rules[1]])).toBe(false);
    expect(sameLifecycle(declared, [{ ...rules[0], Status: "Disabled" }, rules[1]])).toBe(false);
    expect(
      sameLifecycle(declared, [
        ...rules,
        { ID: "x", Status: "Enabled", Filter: { Prefix: "" }, Expiration: { Days: 1 } },
      ]),
    ).toBe(false);
    expect(
      sameLifecycle(declared, [{ ...rules[0], Filter: { Prefix: "tmp/", Tag: { Key: "a", Value: "b" } } }, rules[1]]),
    ).toBe(false);
  });
});
