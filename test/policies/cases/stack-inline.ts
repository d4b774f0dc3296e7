/** Stack policies accept a setting made inline on aws.s3.BucketV2 (its list spellings) instead of a companion. */
import type { StackCase, TestResource } from "../harness";
import { doc } from "../harness";

const V2 = "aws:s3/bucketV2:BucketV2";
const tlsDeny = { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::v/*", Condition: { Bool: { "aws:SecureTransport": "false" } } };
const v2 = (props: Record<string, unknown>): TestResource => ({ type: V2, name: "v", props: { bucket: "v", ...props } });

export const stackInlineCases: StackCase[] = [
  {
    policy: "storage-stack-lifecycle-companions",
    title: "BucketV2 with inline versionings and lifecycleRules",
    resources: [v2({ versionings: [{ enabled: true }], lifecycleRules: [{ enabled: true, abortIncompleteMultipartUploadDays: 1 }] })],
  },
  {
    policy: "storage-stack-lifecycle-companions",
    title: "BucketV2 with versionings off and no lifecycle",
    resources: [v2({ versionings: [{ enabled: false }] })],
    bad: [
      [/"v" has no versioning/, "v"],
      [/"v" has no lifecycle configuration/, "v"],
    ],
  },
  {
    policy: "storage-stack-encryption-companions",
    title: "BucketV2 with inline encryption and TLS-only policy",
    resources: [v2({ serverSideEncryptionConfigurations: [{ rules: [{ applyServerSideEncryptionByDefaults: [{ sseAlgorithm: "aws:kms" }] }] }], policy: doc(tlsDeny) })],
  },
  { policy: "storage-stack-access-logging", title: "BucketV2 with inline loggings", resources: [v2({ loggings: [{ targetBucket: "logs" }] })] },
  { policy: "storage-stack-access-logging", title: "BucketV2 with empty loggings", resources: [v2({ loggings: [] })], bad: [[/"v" has no server access logging/, "v"]] },
];
