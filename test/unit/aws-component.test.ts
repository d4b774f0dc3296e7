/**
 * AwsBucket under mocks: every resource with its inputs and options, as file snapshots a reviewer
 * can diff (policies parsed), plus explicit assertions of the security-relevant inputs so a
 * regenerated snapshot cannot quietly accept a weaker bucket.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { awsKeyPolicy, canonicalJson } from "../../components/access";
import { AwsBucket, AwsBucketOptions, AwsSettings } from "../../components/aws";
import { bucketPolicyJson } from "../../components/aws/bucket-policy";
import { keyIdentityPolicy } from "../../components/aws/iam-key";
import { kmsKeyPolicyDocument } from "../../components/aws/kms-key";
import { logDeliveryGrant } from "../../components/aws/log-bucket";
import { parseStorageSpec, type Access, type BucketInput } from "../../components/spec";
import { ACCOUNT, ALIAS_TARGET, byType, one, readable, resolveDeep, runMocked, type MockRun, type Registered } from "./aws-mocks";
import { asStaticKey } from "../../components/contract";

const T = {
  bucket: "aws:s3/bucket:Bucket",
  pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  own: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  ver: "aws:s3/bucketVersioning:BucketVersioning",
  life: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  cors: "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
  log: "aws:s3/bucketLogging:BucketLogging",
  policy: "aws:s3/bucketPolicy:BucketPolicy",
  user: "aws:iam/user:User",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  accessKey: "aws:iam/accessKey:AccessKey",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  kmsKey: "aws:kms/key:Key",
  kmsAlias: "aws:kms/alias:Alias",
  provider: "pulumi:providers:aws",
  component: "secure-storage:aws:Bucket",
};

function build(logical: string, bucket: Omit<BucketInput, "provider">, settings: unknown = { region: "eu-central-1" }, stack = "unit") {
  const spec = parseStorageSpec({ buckets: { [logical]: { provider: "aws", ...bucket } } }).buckets[logical];
  const options = AwsBucketOptions.parse(spec.options);
  const bucketName = `${logical}-${stack}-abc123`;
  return () => new AwsBucket(logical, { bucketName, spec, settings: AwsSettings.parse(settings), options, stack });
}

/** Match `__snapshots__/<name>.resources.json` and `<name>.contract.json`; returns the resolved contract. */
async function matchSnapshots(run: MockRun<AwsBucket>, name: string): Promise<unknown> {
  await expect(JSON.stringify(readable(run.resources), null, 2) + "\n").toMatchFileSnapshot(`__snapshots__/${name}.resources.json`);
  const contract = await resolveDeep(run.result.contract);
  await expect(JSON.stringify(contract, null, 2) + "\n").toMatchFileSnapshot(`__snapshots__/${name}.contract.json`);
  return contract;
}

/** Every resource except the provider and the component itself is the component's child on its provider. */
function expectChildrenOnProvider(resources: Registered[], logical: string) {
  for (const r of resources) {
    if (r.type === T.component) continue;
    expect(r.opts.parent, `${r.name} parent`).toMatch(new RegExp(`::${logical}$`));
    if (r.type === T.provider) continue;
    expect(r.opts.provider, `${r.name} provider`).toMatch(new RegExp(`::${logical}-aws::${logical}-aws-id$`));
  }
}

function expectHardened(resources: Registered[], name: string, bucketName: string, sse: Record<string, unknown>) {
  expect(one(resources, T.own, `${name}-ownership`).inputs).toEqual({ bucket: `${name}-id`, rule: { objectOwnership: "BucketOwnerEnforced" } });
  expect(one(resources, T.pab, `${name}-public-access-block`).inputs).toEqual({
    bucket: `${name}-id`,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  expect(one(resources, T.sse, `${name}-encryption`).inputs).toEqual({ bucket: `${name}-id`, rules: [sse] });
  const policy = one(resources, T.policy, `${name}-policy`);
  expect(policy.opts.dependsOn).toEqual(expect.arrayContaining([expect.stringMatching(`::${name}-public-access-block$`)]));
  const doc = JSON.parse(policy.inputs.policy as string);
  expect(doc.Statement.slice(0, 2).map((s: { Sid: string }) => s.Sid)).toEqual(["DenyInsecureTransport", "DenyOutdatedTls"]);
  expect(doc.Statement[0].Resource).toEqual([`arn:aws:s3:::${bucketName}`, `arn:aws:s3:::${bucketName}/*`]);
  // Nothing in any bucket policy allows a wildcard principal.
  for (const s of doc.Statement) if (s.Effect === "Allow") expect(JSON.stringify(s.Principal)).not.toContain("*");
}

const SSE_S3 = { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false, blockedEncryptionTypes: ["SSE-C"] };

describe("AwsBucket: default bucket", () => {
  it("is private, SSE-S3, TLS-only, logged, with one IAM user key", async () => {
    const run = await runMocked(build("docs", { keys: { app: { access: ["read", "list"], generation: 1 } } }));
    const r = run.resources;
    const contract = await matchSnapshots(run, "aws-default-bucket");

    expect(r.map((x) => `${x.type} ${x.name}`).sort()).toEqual(
      [
        `${T.component} docs`,
        `${T.provider} docs-aws`,
        `${T.bucket} docs`,
        `${T.own} docs-ownership`,
        `${T.pab} docs-public-access-block`,
        `${T.sse} docs-encryption`,
        `${T.ver} docs-versioning`,
        `${T.life} docs-lifecycle`,
        `${T.policy} docs-policy`,
        `${T.log} docs-logging`,
        `${T.bucket} docs-logs`,
        `${T.own} docs-logs-ownership`,
        `${T.pab} docs-logs-public-access-block`,
        `${T.sse} docs-logs-encryption`,
        `${T.ver} docs-logs-versioning`,
        `${T.life} docs-logs-lifecycle`,
        `${T.policy} docs-logs-policy`,
        `${T.user} docs-app-odd`,
        `${T.userPolicy} docs-app-odd-policy`,
        `${T.accessKey} docs-app-g1`,
      ].sort(),
    );
    expectChildrenOnProvider(r, "docs");
    expect(one(r, T.provider, "docs-aws").inputs).toMatchObject({ region: "eu-central-1" });
    expect(one(r, T.provider, "docs-aws").inputs.allowedAccountIds).toBeUndefined();
    expect(one(r, T.bucket, "docs").inputs).toEqual({ bucket: "docs-unit-abc123", forceDestroy: false });
    // The retain rule: omitted = retained, the data bucket and its log bucket alike.
    for (const b of ["docs", "docs-logs"]) expect(one(r, T.bucket, b).opts).toMatchObject({ protect: true, retainOnDelete: true });
    expectHardened(r, "docs", "docs-unit-abc123", SSE_S3);
    expectHardened(r, "docs-logs", "docs-unit-abc123-logs", SSE_S3);
    expect(one(r, T.policy, "docs-policy").inputs.policy).toBe(bucketPolicyJson({ bucketName: "docs-unit-abc123", encryption: { sseAlgorithm: "AES256" } }));
    expect(one(r, T.policy, "docs-logs-policy").inputs.policy).toBe(
      bucketPolicyJson({
        bucketName: "docs-unit-abc123-logs",
        encryption: { sseAlgorithm: "AES256" },
        grants: [logDeliveryGrant("docs-unit-abc123-logs", "docs-unit-abc123", ACCOUNT)],
      }),
    );
    expect(one(r, T.ver, "docs-versioning").inputs.versioningConfiguration).toEqual({ status: "Enabled" });
    expect(one(r, T.life, "docs-lifecycle").inputs.rules).toEqual([
      { id: "abort-incomplete-multipart-uploads", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
    ]);
    expect(one(r, T.log, "docs-logging").inputs).toEqual({
      bucket: "docs-id",
      targetBucket: "docs-unit-abc123-logs",
      targetPrefix: "access/",
      targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
    });
    expect(one(r, T.log, "docs-logging").opts.dependsOn).toEqual(expect.arrayContaining([expect.stringMatching("::docs-logs-policy$")]));

    // The identity policy is byte-for-byte access.ts's AWS document (MinIO's plus the AWS-only version-read deny).
    expect(one(r, T.userPolicy, "docs-app-odd-policy").inputs).toEqual({
      user: "docs-unit-abc123-app-odd",
      name: "storage-access",
      policy: canonicalJson(awsKeyPolicy("arn:aws:s3:::docs-unit-abc123", { access: ["read", "list"], prefixes: [] })),
    });
    expect(one(r, T.user, "docs-app-odd").inputs).toMatchObject({ name: "docs-unit-abc123-app-odd", path: "/storage/unit/" });
    expect(one(r, T.accessKey, "docs-app-g1").inputs).toEqual({ user: "docs-unit-abc123-app-odd" });
    // The account id came from STS because storage:aws.accountId is unset.
    expect(run.invokes.map((i) => i.token)).toEqual(["aws:index/getCallerIdentity:getCallerIdentity"]);

    expect(contract).toMatchObject({ provider: "aws", bucket: "docs-unit-abc123", region: "eu-central-1", endpoint: "https://s3.eu-central-1.amazonaws.com" });
    expect(await pulumi.isSecret(asStaticKey(run.result.contract.keys!.app).current.secret as pulumi.Output<string>)).toBe(true);
    expect(await pulumi.isSecret(asStaticKey(run.result.contract.keys!.app).current.id as pulumi.Output<string>)).toBe(false);
  });
});

describe("AwsBucket: KMS bucket", () => {
  it("makes a rotating KMS key scoped to the bucket's key principals, bucket key on, KMS deny statements, protected in prod", async () => {
    const run = await runMocked(
      build(
        "vault",
        {
          forceDestroy: false,
          options: {
            createKmsKey: true,
            keys: { worker: { role: { assumedBy: [`arn:aws:iam::${ACCOUNT}:role/worker-task`], externalId: "ext-42" } } },
          },
          keys: {
            writer: { access: ["write"], prefixes: ["uploads/"], generation: 2 },
            worker: { access: ["read", "list"], prefixes: ["uploads/"], generation: 1 },
          },
        },
        { region: "eu-central-1", accountId: ACCOUNT, accessLogging: false, tags: { team: "storage" } },
        "prod",
      ),
      "prod",
    );
    const r = run.resources;
    const contract = await matchSnapshots(run, "aws-kms-bucket");
    expectChildrenOnProvider(r, "vault");
    expect(run.invokes).toEqual([]); // accountId pinned: no STS lookup

    const keyArn = `arn:aws:kms:eu-central-1:${ACCOUNT}:key/mock-vault-kms-key`;
    const kms = one(r, T.kmsKey, "vault-kms-key");
    expect(kms.opts).toMatchObject({ protect: true, retainOnDelete: true });
    expect(kms.inputs).toEqual({
      description: "SSE-KMS key of S3 bucket vault-prod-abc123 (secure-storage)",
      keyUsage: "ENCRYPT_DECRYPT",
      customerMasterKeySpec: "SYMMETRIC_DEFAULT",
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: 30,
      policy: canonicalJson(
        kmsKeyPolicyDocument({
          accountId: ACCOUNT,
          region: "eu-central-1",
          bucketName: "vault-prod-abc123",
          principalArns: [
            `arn:aws:iam::${ACCOUNT}:user/storage/prod/vault-prod-abc123-writer-even`,
            `arn:aws:iam::${ACCOUNT}:user/storage/prod/vault-prod-abc123-writer-odd`,
            `arn:aws:iam::${ACCOUNT}:role/storage/prod/vault-prod-abc123-worker`,
          ],
        }),
      ),
    });
    expect(JSON.parse(kms.inputs.policy as string).Statement[1].Condition.ArnEquals["aws:PrincipalArn"]).toHaveLength(3);
    expect(one(r, T.kmsAlias, "vault-kms-alias").inputs).toEqual({ name: "alias/secure-storage/vault-prod-abc123", targetKeyId: "mock-vault-kms-key" });

    expect(one(r, T.bucket, "vault").opts).toMatchObject({ protect: true, retainOnDelete: true });
    expectHardened(r, "vault", "vault-prod-abc123", {
      applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn },
      bucketKeyEnabled: true,
      blockedEncryptionTypes: ["SSE-C"],
    });
    const policy = JSON.parse(one(r, T.policy, "vault-policy").inputs.policy as string);
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(["DenyInsecureTransport", "DenyOutdatedTls", "DenyWrongEncryptionHeader", "DenyOtherKmsKeys"]);
    expect(policy.Statement[2].Condition.StringNotEquals).toEqual({ "s3:x-amz-server-side-encryption": "aws:kms" });
    expect(policy.Statement[3].Condition.StringNotEquals).toEqual({ "s3:x-amz-server-side-encryption-aws-kms-key-id": keyArn });
    // accessLogging: false -> no log bucket and no logging resource.
    expect(byType(r, T.log)).toEqual([]);
    expect(byType(r, T.bucket).map((b) => b.name)).toEqual(["vault"]);

    // Writer: generation 2 keeps generation 1, each on its own slot user.
    expect(byType(r, T.accessKey).map((k) => `${k.name}:${k.inputs.user}`).sort()).toEqual([
      "vault-writer-g1:vault-prod-abc123-writer-odd",
      "vault-writer-g2:vault-prod-abc123-writer-even",
    ]);
    const writerDoc = keyIdentityPolicy("arn:aws:s3:::vault-prod-abc123", { access: ["write"], prefixes: ["uploads/"] }, { keyArn, region: "eu-central-1" });
    for (const slot of ["odd", "even"]) {
      expect(one(r, T.userPolicy, `vault-writer-${slot}-policy`).inputs.policy).toBe(canonicalJson(writerDoc));
    }
    expect(writerDoc.Statement.at(-1)).toEqual({
      Sid: "UseBucketKmsKey",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: [keyArn],
      Condition: { StringEquals: { "kms:ViaService": "s3.eu-central-1.amazonaws.com" } },
    });

    // Worker: a role, no user, no access key; trust only the named principal with the external id.
    const role = one(r, T.role, "vault-worker-role");
    expect(JSON.parse(role.inputs.assumeRolePolicy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AssumeByNamedPrincipals",
          Effect: "Allow",
          Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:role/worker-task`] },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "sts:ExternalId": "ext-42" } },
        },
      ],
    });
    expect(role.inputs).toMatchObject({ name: "vault-prod-abc123-worker", path: "/storage/prod/", maxSessionDuration: 3600 });
    expect(one(r, T.rolePolicy, "vault-worker-role-policy").inputs.policy).toBe(
      canonicalJson(keyIdentityPolicy("arn:aws:s3:::vault-prod-abc123", { access: ["read", "list"], prefixes: ["uploads/"] }, { keyArn, region: "eu-central-1" })),
    );
    expect(r.filter((x) => x.name.startsWith("vault-worker-") && x.type !== T.role && x.type !== T.rolePolicy)).toEqual([]);
    expect((contract as { keys: Record<string, unknown> }).keys.worker).toEqual({
      kind: "role",
      access: ["read", "list"],
      prefixes: ["uploads/"],
      roleArn: `arn:aws:iam::${ACCOUNT}:role/storage/prod/vault-prod-abc123-worker`,
      maxSessionSeconds: 3600,
      externalId: "ext-42",
    });
    expect(contract).not.toHaveProperty("roles");
    expect(one(r, T.provider, "vault-aws").inputs.allowedAccountIds).toBe(JSON.stringify([ACCOUNT]));
  });

  it("resolves an existing key alias to its key ARN for encryption, policies and the KMS statement", async () => {
    const run = await runMocked(
      build("ledger", { encryption: { kind: "kms", keyId: "alias/finance" }, keys: { app: { access: ["read"], generation: 1 } } }, { region: "eu-central-1", accountId: ACCOUNT }),
    );
    const r = run.resources;
    expect(run.invokes).toEqual([{ token: "aws:kms/getAlias:getAlias", inputs: { name: "alias/finance" } }]);
    expect(byType(r, T.kmsKey)).toEqual([]);
    expect(one(r, T.sse, "ledger-encryption").inputs.rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: ALIAS_TARGET }, bucketKeyEnabled: true, blockedEncryptionTypes: ["SSE-C"] },
    ]);
    const doc = JSON.parse(one(r, T.userPolicy, "ledger-app-odd-policy").inputs.policy as string);
    expect(doc.Statement.at(-1)).toMatchObject({ Action: ["kms:Decrypt"], Resource: [ALIAS_TARGET] });
  });
});

describe("AwsBucket: CORS, lifecycle and three scoped keys", () => {
  it("maps CORS and lifecycle, keeps the spec's abort rule, and scopes each key to its prefixes", async () => {
    const run = await runMocked(
      build(
        "media",
        {
          forceDestroy: true,
          cors: [
            { origins: ["https://app.example.com", "http://localhost:3000"], methods: ["GET", "PUT", "POST"], headers: ["*"], exposeHeaders: ["ETag"], maxAgeSeconds: 3600 },
            { origins: ["*"], methods: ["GET", "HEAD"] },
          ],
          lifecycle: [
            { prefix: "tmp/", expireDays: 7 },
            { abortIncompleteUploadDays: 2 },
            { id: "old-versions", noncurrentExpireDays: 30 },
          ],
          keys: {
            uploader: { access: ["write"], prefixes: ["incoming/"], generation: 1 },
            processor: { access: ["read", "write", "delete", "list"], prefixes: ["incoming/", "processed/"], generation: 1 },
            viewer: { access: ["read", "list"], prefixes: ["processed/public-previews/"], generation: 1 },
          },
          options: { logTargetBucket: "central-access-logs" },
        },
        { region: "us-west-2", accountId: ACCOUNT },
      ),
    );
    const r = run.resources;
    const contract = await matchSnapshots(run, "aws-cors-lifecycle-keys");
    expectChildrenOnProvider(r, "media");

    expect(one(r, T.bucket, "media").inputs).toEqual({ bucket: "media-unit-abc123", forceDestroy: true });
    expect(one(r, T.cors, "media-cors").inputs.corsRules).toEqual([
      {
        id: "cors-0",
        allowedOrigins: ["https://app.example.com", "http://localhost:3000"],
        allowedMethods: ["GET", "PUT", "POST"],
        allowedHeaders: ["*"],
        exposeHeaders: ["ETag"],
        maxAgeSeconds: 3600,
      },
      { id: "cors-1", allowedOrigins: ["*"], allowedMethods: ["GET", "HEAD"], maxAgeSeconds: 3600 },
    ]);
    // The spec's whole-bucket abort rule (2 days) replaces the 7-day default.
    expect(one(r, T.life, "media-lifecycle").inputs.rules).toEqual([
      { id: "rule-0", status: "Enabled", filter: { prefix: "tmp/" }, expiration: { days: 7 } },
      { id: "rule-1", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: 2 } },
      { id: "old-versions", status: "Enabled", filter: { prefix: "" }, noncurrentVersionExpiration: { noncurrentDays: 30 } },
    ]);
    expect(one(r, T.life, "media-lifecycle").opts.dependsOn).toEqual(expect.arrayContaining([expect.stringMatching("::media-versioning$")]));
    // Existing log bucket: logging points there, no log bucket is made.
    expect(one(r, T.log, "media-logging").inputs).toMatchObject({ targetBucket: "central-access-logs", targetPrefix: "access/" });
    expect(byType(r, T.bucket).map((b) => b.name)).toEqual(["media"]);

    const bucketArn = "arn:aws:s3:::media-unit-abc123";
    const docOf = (key: string) => one(r, T.userPolicy, `media-${key}-odd-policy`).inputs.policy;
    const awsDoc = (access: Access[], prefixes: string[]) => canonicalJson(awsKeyPolicy(bucketArn, { access, prefixes }));
    expect(docOf("uploader")).toBe(awsDoc(["write"], ["incoming/"]));
    expect(docOf("processor")).toBe(awsDoc(["read", "write", "delete", "list"], ["incoming/", "processed/"]));
    expect(docOf("viewer")).toBe(awsDoc(["read", "list"], ["processed/public-previews/"]));
    const viewer = JSON.parse(docOf("viewer") as string) as { Statement: Array<{ Sid: string; Effect: string }> };
    expect(viewer.Statement.filter((st) => st.Effect === "Allow")).toEqual([
      {
        Sid: "ReadObjects",
        Effect: "Allow",
        Action: ["s3:GetObject"],
        Resource: [`${bucketArn}/processed/public-previews/*`],
      },
      {
        Sid: "ListObjects",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: [bucketArn],
        Condition: { StringLike: { "s3:prefix": ["processed/public-previews/*"] } },
      },
      { Sid: "BucketLocation", Effect: "Allow", Action: ["s3:GetBucketLocation"], Resource: [bucketArn] },
    ]);
    expect(viewer.Statement.filter((st) => st.Effect === "Deny").map((st) => st.Sid)).toEqual([
      "DenyObjectHistory",
      "DenyBucketHistory",
      "DenyReadsByVersionId",
    ]);
    expect(byType(r, T.accessKey).map((k) => k.name).sort()).toEqual(["media-processor-g1", "media-uploader-g1", "media-viewer-g1"]);
    expect(contract).toMatchObject({ endpoint: "https://s3.us-west-2.amazonaws.com", region: "us-west-2" });
  });

  it("refuses a spec for another provider and an S3-illegal physical name", async () => {
    const spec = parseStorageSpec({ buckets: { b1: { provider: "gcp" } } }).buckets.b1;
    const settings = AwsSettings.parse({ region: "eu-central-1" });
    const options = AwsBucketOptions.parse({});
    await runMocked(() => {
      expect(() => new AwsBucket("b1", { bucketName: "b1-x-abc123", spec, settings, options, stack: "unit" })).toThrow(/expected "aws"/);
      const aws = { ...spec, provider: "aws" as const };
      expect(() => new AwsBucket("b2", { bucketName: "xn--b2-abc123", spec: aws, settings, options, stack: "unit" })).toThrow(/must not start with "xn--"/);
    });
  });
});
