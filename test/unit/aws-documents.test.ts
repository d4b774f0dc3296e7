/** The AWS documents and mappings as pure functions, with hand-written expected values. */
import { describe, expect, it } from "vitest";
import { canonicalJson, s3KeyPolicy, type PolicyDocument } from "../../components/access";
import { liveGenerations } from "../../components/key-slots";
import { assertScopedGrant, bucketPolicyDocument, type BucketPolicyStatement } from "../../components/aws/bucket-policy";
import {
  iamName,
  kmsActionsFor,
  keyIdentityNames,
  keyIdentityPolicy,
  keyPrincipalArns,
  slotUser,
  userPolicyProblem,
} from "../../components/aws/iam-key";
import { kmsKeyPolicyDocument, parseKmsKeyId } from "../../components/aws/kms-key";
import { s3LifecycleRules } from "../../components/aws/lifecycle";
import { logBucketName, logDeliveryGrant } from "../../components/aws/log-bucket";
import { s3BucketNameProblems } from "../../components/aws/capabilities";
import { parseStorageSpec } from "../../components/spec";

const ARN = "arn:aws:s3:::inv-prod-abc123";

describe("bucket policy", () => {
  it("SSE-S3: TLS only, TLS >= 1.2, encryption header must be AES256 when present", () => {
    expect(bucketPolicyDocument({ bucketName: "inv-prod-abc123", encryption: { sseAlgorithm: "AES256" } })).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [ARN, `${ARN}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
        { Sid: "DenyOutdatedTls", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [ARN, `${ARN}/*`], Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } },
        {
          Sid: "DenyWrongEncryptionHeader",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:PutObject",
          Resource: `${ARN}/*`,
          Condition: { Null: { "s3:x-amz-server-side-encryption": "false" }, StringNotEquals: { "s3:x-amz-server-side-encryption": "AES256" } },
        },
      ],
    });
  });

  it("SSE-KMS: also refuses uploads naming another KMS key", () => {
    const key = "arn:aws:kms:eu-central-1:123456789012:key/0b5c7d0e-1111-4222-8333-944455556666";
    const doc = bucketPolicyDocument({ bucketName: "inv-prod-abc123", encryption: { sseAlgorithm: "aws:kms", kmsKeyArn: key } });
    expect(doc.Statement[2].Condition!.StringNotEquals).toEqual({ "s3:x-amz-server-side-encryption": "aws:kms" });
    expect(doc.Statement[3]).toEqual({
      Sid: "DenyOtherKmsKeys",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: `${ARN}/*`,
      Condition: {
        Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
        StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": key },
      },
    });
  });

  const grant = (over: Partial<BucketPolicyStatement>): BucketPolicyStatement => ({
    Sid: "G",
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::123456789012:role/r" },
    Action: "s3:GetObject",
    Resource: `${ARN}/a/*`,
    ...over,
  });

  it("merges scoped grants after the denies, sorted by Sid", () => {
    const doc = bucketPolicyDocument({ bucketName: "inv-prod-abc123", encryption: { sseAlgorithm: "AES256" }, grants: [grant({ Sid: "B" }), grant({ Sid: "A" })] });
    expect(doc.Statement.map((s) => s.Sid)).toEqual(["DenyInsecureTransport", "DenyOutdatedTls", "DenyWrongEncryptionHeader", "A", "B"]);
  });

  it.each([
    ["a * principal", { Principal: "*" as const }, /never "\*"/],
    ["a * in AWS principals", { Principal: { AWS: ["arn:aws:iam::123456789012:role/r", "*"] } }, /never "\*"/],
    ["a wildcard action", { Action: ["s3:GetObject", "s3:*"] }, /never a wildcard/],
    ["a * resource", { Resource: "*" }, /never "\*" or another bucket/],
    ["another bucket", { Resource: "arn:aws:s3:::other/*" }, /another bucket/],
    ["a lookalike bucket", { Resource: `${ARN}-x/*` }, /another bucket/],
    ["a Deny", { Effect: "Deny" as const }, /only Allow/],
  ])("refuses a grant with %s", (_what, over, message) => {
    expect(() => assertScopedGrant("inv-prod-abc123", grant(over))).toThrow(message);
    expect(() => bucketPolicyDocument({ bucketName: "inv-prod-abc123", encryption: { sseAlgorithm: "AES256" }, grants: [grant(over)] })).toThrow(message);
  });

  it("refuses a grant reusing a deny's Sid", () => {
    expect(() => bucketPolicyDocument({ bucketName: "inv-prod-abc123", encryption: { sseAlgorithm: "AES256" }, grants: [grant({ Sid: "DenyOutdatedTls" })] })).toThrow(/duplicate Sid/);
  });
});

describe("log bucket", () => {
  it("grants log delivery only for the source bucket and account, only under access/", () => {
    expect(logDeliveryGrant("inv-prod-abc123-logs", "inv-prod-abc123", "123456789012")).toEqual({
      Sid: "AllowServerAccessLogDelivery",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: "arn:aws:s3:::inv-prod-abc123-logs/access/*",
      Condition: { ArnLike: { "aws:SourceArn": ARN }, StringEquals: { "aws:SourceAccount": "123456789012" } },
    });
    expect(() => assertScopedGrant("inv-prod-abc123-logs", logDeliveryGrant("inv-prod-abc123-logs", "inv-prod-abc123", "123456789012"))).not.toThrow();
  });

  it("names stay within 63 characters and distinct", () => {
    expect(logBucketName("inv-prod-abc123")).toBe("inv-prod-abc123-logs");
    const a = logBucketName(`${"a".repeat(50)}-stack-aaaaaa`);
    const b = logBucketName(`${"a".repeat(50)}-stack-bbbbbb`);
    expect(a.length).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
    expect(s3BucketNameProblems(a)).toEqual([]);
  });
});

describe("KMS", () => {
  it("key policy: account administers without crypto; only the key principals use it, via S3, for this bucket", () => {
    const doc = kmsKeyPolicyDocument({ accountId: "123456789012", region: "eu-central-1", bucketName: "inv-prod-abc123", principalArns: ["arn:aws:iam::123456789012:user/storage/prod/u2", "arn:aws:iam::123456789012:user/storage/prod/u1"] });
    expect(doc.Statement[0].Action).not.toContain("kms:Decrypt");
    expect(doc.Statement[0].Action).not.toContain("kms:CreateGrant");
    expect((doc.Statement[0].Action as string[]).every((a) => !a.includes("*"))).toBe(true);
    expect(doc.Statement[1]).toEqual({
      Sid: "UseThroughS3ForThisBucket",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:root" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: {
        ArnEquals: { "aws:PrincipalArn": ["arn:aws:iam::123456789012:user/storage/prod/u1", "arn:aws:iam::123456789012:user/storage/prod/u2"] },
        StringEquals: { "kms:CallerAccount": "123456789012", "kms:ViaService": "s3.eu-central-1.amazonaws.com" },
        StringLike: { "kms:EncryptionContext:aws:s3:arn": [ARN, `${ARN}/*`] },
      },
    });
    expect(kmsKeyPolicyDocument({ accountId: "123456789012", region: "eu-central-1", bucketName: "x1y", principalArns: [] }).Statement).toHaveLength(1);
  });

  it.each([
    ["arn:aws:kms:eu-central-1:123456789012:key/0b5c7d0e-1111-4222-8333-944455556666", { kind: "arn", region: "eu-central-1" }],
    ["arn:aws:kms:eu-central-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef", { kind: "arn" }],
    ["arn:aws:kms:eu-west-1:123456789012:alias/finance", { kind: "alias", region: "eu-west-1" }],
    ["alias/finance/invoices", { kind: "alias", alias: "alias/finance/invoices" }],
  ])("accepts key id %s", (id, shape) => {
    expect(parseKmsKeyId(id)).toMatchObject(shape);
  });

  it.each([
    ["0b5c7d0e-1111-4222-8333-944455556666", /bare key ids are ambiguous/],
    ["finance", /must be a KMS key ARN/],
    ["arn:aws:kms:eu-central-1:123456789012:key/*", /must be a KMS key ARN/],
    ["alias/aws/s3", /AWS-managed key/],
  ])("refuses key id %s", (id, message) => {
    expect(parseKmsKeyId(id)).toMatch(message);
  });

  it("identity KMS actions follow the access: read decrypts, write also makes data keys, list/delete need none", () => {
    expect(kmsActionsFor(["read"])).toEqual(["kms:Decrypt"]);
    expect(kmsActionsFor(["write"])).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
    expect(kmsActionsFor(["list", "delete"])).toEqual([]);
    const doc = keyIdentityPolicy(ARN, { access: ["list"], prefixes: [] }, { keyArn: "k", region: "eu-central-1" });
    const grants = doc.Statement.map((s) => s.Sid).filter((sid) => sid.startsWith("Use") || sid.endsWith("Objects"));
    expect(grants).toEqual(["ListObjects"]);
  });
});

describe("identity policy = access.ts", () => {
  const spec = parseStorageSpec({
    buckets: {
      b1: {
        provider: "aws",
        keys: {
          a1: { access: ["read", "write", "list", "delete"], prefixes: ["users/", "shared/"], generation: 1 },
          b1: { access: ["read"], generation: 1 },
          c1: { access: ["write", "list"], prefixes: ["in/"], generation: 1 },
        },
      },
    },
  }).buckets.b1;
  // MinIO reads a statement on s3:GetObjectVersion as one on s3:GetObject, so that deny is AWS's alone.
  const withoutAwsOnly = (doc: PolicyDocument): PolicyDocument => ({
    ...doc,
    Statement: doc.Statement.map((st) =>
      st.Sid === "DenyObjectHistory" ? { ...st, Action: st.Action.filter((a) => a !== "s3:GetObjectVersion") } : st,
    ),
  });
  it.each(Object.entries(spec.keys))("key %s: SSE-S3 document is s3KeyPolicy plus s3:GetObjectVersion denied", (_name, key) => {
    const doc = keyIdentityPolicy(ARN, key);
    expect(canonicalJson(withoutAwsOnly(doc))).toBe(canonicalJson(s3KeyPolicy(ARN, key)));
    expect(doc.Statement.find((st) => st.Sid === "DenyObjectHistory")!.Action).toContain("s3:GetObjectVersion");
  });
  it.each(Object.entries(spec.keys))("key %s: SSE-KMS document is that plus one KMS statement", (_name, key) => {
    const doc = keyIdentityPolicy(ARN, key, { keyArn: "arn:aws:kms:eu-central-1:123456789012:key/k", region: "eu-central-1" });
    const withoutKms = { ...doc, Statement: doc.Statement.slice(0, -1) };
    expect(canonicalJson(withoutKms)).toBe(canonicalJson(keyIdentityPolicy(ARN, key)));
    expect(doc.Statement.at(-1)!.Sid).toBe("UseBucketKmsKey");
  });
});

describe("IAM's inline policy size", () => {
  const all = ["read", "write", "delete", "list"] as const;
  it("the prod clinic backend, with the history denies, fits a user's 2048 characters, with or without KMS", () => {
    const grant = { access: [...all], prefixes: ["workspaces/"] };
    expect(userPolicyProblem("arn:aws:s3:::clinic-aws-prod-a1b2c3", "backend", grant)).toBeUndefined();
    expect(userPolicyProblem(`arn:aws:s3:::${"b".repeat(63)}`, "backend", grant, "eu-central-1")).toBeUndefined();
  });
  it("many long prefixes do not, and the problem names the key and the way out", () => {
    const prefixes = Array.from({ length: 8 }, (_, i) => `tenants/tenant-number-${i}/uploads/`);
    const problem = userPolicyProblem(`arn:aws:s3:::${"b".repeat(63)}`, "app", { access: [...all], prefixes }, "eu-central-1");
    expect(problem).toMatch(/^key "app": its IAM policy is \d+ characters and IAM allows 2048 for a user's inline policies; /);
    expect(problem).toMatch(/use fewer or shorter prefixes, or options.keys.app.role/);
  });
});

describe("names and slots", () => {
  it("IAM names fit 64 characters and stay unique", () => {
    expect(iamName("inv-prod-abc123", "app", "odd")).toBe("inv-prod-abc123-app-odd");
    const long1 = iamName("a".repeat(63), "key-one", "odd");
    const long2 = iamName("a".repeat(63), "key-two", "odd");
    expect(long1.length).toBeLessThanOrEqual(64);
    expect(long1).not.toBe(long2);
  });

  it("slots: current and previous until retired; users alternate by generation parity", () => {
    expect(liveGenerations({ generation: 1, retirePrevious: false })).toEqual([1]);
    expect(liveGenerations({ generation: 4, retirePrevious: false })).toEqual([4, 3]);
    expect(liveGenerations({ generation: 4, retirePrevious: true })).toEqual([4]);
    expect([1, 2, 3, 4].map(slotUser)).toEqual(["odd", "even", "odd", "even"]);
    const key = { access: ["read" as const], prefixes: [], generation: 3, retirePrevious: false };
    expect(keyIdentityNames("b-x-abc123", "k1", key)).toEqual({ users: { "b-x-abc123-k1-odd": "odd", "b-x-abc123-k1-even": "even" } });
    expect(keyPrincipalArns("123456789012", "prod", "b-x-abc123", "k1", key, { assumedBy: ["arn:aws:iam::123456789012:root"], maxSessionSeconds: 3600 })).toEqual([
      "arn:aws:iam::123456789012:role/storage/prod/b-x-abc123-k1",
    ]);
  });
});

describe("lifecycle", () => {
  it("always aborts incomplete multipart uploads (7 days by default)", () => {
    expect(s3LifecycleRules([])).toEqual([
      { id: "abort-incomplete-multipart-uploads", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
    ]);
    // A prefix-only abort rule does not cover the bucket: the default is still added.
    expect(s3LifecycleRules([{ prefix: "tmp/", abortIncompleteUploadDays: 1 }]).map((r) => r.id)).toEqual(["rule-0", "abort-incomplete-multipart-uploads"]);
    expect(s3LifecycleRules([{ abortIncompleteUploadDays: 3 }])).toEqual([
      { id: "rule-0", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: 3 } },
    ]);
  });
});

describe("S3 bucket names", () => {
  it.each([
    ["ab", /3-63/],
    ["Upper-case", /3-63/],
    ["192.168.1.1", /IP address/],
    ["a..b", /"\.\."/],
    ["xn--abc", /"xn--"/],
    ["sthree-abc", /"sthree-"/],
    ["amzn-s3-demo-x", /"amzn-s3-demo-"/],
    ["abc-s3alias", /"-s3alias"/],
    ["abc--ol-s3", /"--ol-s3"/],
  ])("%s is refused", (name, message) => {
    expect(s3BucketNameProblems(name).join("; ")).toMatch(message);
  });
  it("a physical name from naming.ts is fine", () => {
    expect(s3BucketNameProblems("invoices-aws-prod-1a2b3c")).toEqual([]);
  });
});
