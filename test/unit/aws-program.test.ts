/**
 * The whole program (stacks/program.ts) under mocks with the committed Pulumi.prod.yaml: its AWS
 * buckets (other providers' buckets are filtered out; they have their own tests).
 */
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { physicalBucketName } from "../../components/naming";
import { resolveDeep, runMocked, byType, one } from "./aws-mocks";
import { asStaticKey } from "../../components/contract";

const prod = parse(fs.readFileSync("Pulumi.prod.yaml", "utf8")).config as Record<string, unknown>;
const allBuckets = prod["storage:buckets"] as Record<string, { provider: string }>;
const awsBuckets = Object.fromEntries(Object.entries(allBuckets).filter(([, b]) => b.provider === "aws"));

describe("program() with Pulumi.prod.yaml's AWS buckets", () => {
  it("builds the invoice and clinic buckets, protected, SSE-S3, logged, with the contract the apps need", async () => {
    expect(Object.keys(awsBuckets).sort()).toEqual(["clinic-aws", "invoices-aws"]);
    const { storageFromConfig: program } = await import("../../stacks/program");
    const run = await runMocked(() => program(), "prod", {
      "storage:buckets": JSON.stringify(awsBuckets),
      "storage:aws": JSON.stringify(prod["storage:aws"]),
    });
    const r = run.resources;
    const storage = (await resolveDeep(run.result.storage)) as { buckets: Record<string, Record<string, unknown>> };
    const invoices = physicalBucketName("secure-storage", "prod", "invoices-aws");
    const clinic = physicalBucketName("secure-storage", "prod", "clinic-aws");

    expect(storage).toEqual({
      buckets: {
        "invoices-aws": {
          provider: "aws",
          bucket: invoices,
          region: "eu-central-1",
          endpoint: "https://s3.eu-central-1.amazonaws.com",
          presign: { uploadSeconds: 900, downloadSeconds: 3600 },
          uploads: [],
          cors: [],
          keys: {
            "invoice-app": {
              access: ["read", "write"],
              prefixes: ["invoices/"],
              kind: "static",
              current: { id: "mock-key-id-INVOICESAWSINVOICEAPPG1", secret: "<secret:mock-secret-invoices-aws-invoice-app-g1>", generation: 1 },
            },
          },
        },
        "clinic-aws": {
          provider: "aws",
          bucket: clinic,
          region: "eu-central-1",
          endpoint: "https://s3.eu-central-1.amazonaws.com",
          presign: { uploadSeconds: 900, downloadSeconds: 900 },
          uploads: [{ prefix: "workspaces/", maxBytes: 10_485_760, contentTypes: ["image/jpeg", "image/png", "image/webp", "application/pdf"] }],
          cors: [],
          keys: {
            backend: {
              access: ["read", "write", "delete", "list"],
              prefixes: ["workspaces/"],
              kind: "static",
              current: { id: "mock-key-id-CLINICAWSBACKENDG1", secret: "<secret:mock-secret-clinic-aws-backend-g1>", generation: 1 },
            },
          },
        },
      },
    });
    const secret = asStaticKey(run.result.storage.buckets["clinic-aws"].keys!.backend).current.secret as pulumi.Output<string>;
    expect(await pulumi.isSecret(secret)).toBe(true);

    for (const [logical, name] of [["invoices-aws", invoices], ["clinic-aws", clinic]]) {
      // The retain rule (no setting in Pulumi.prod.yaml): the data bucket and its log bucket survive a destroy.
      for (const b of [logical, `${logical}-logs`]) expect(one(r, "aws:s3/bucket:Bucket", b).opts).toMatchObject({ protect: true, retainOnDelete: true });
      expect(one(r, "aws:s3/bucket:Bucket", logical).inputs).toEqual({ bucket: name, forceDestroy: false });
      expect(one(r, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", `${logical}-encryption`).inputs.rules).toEqual([
        { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false, blockedEncryptionTypes: ["SSE-C"] },
      ]);
      expect(one(r, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", `${logical}-public-access-block`).inputs).toMatchObject({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      // The audit trail: server access logs into the hardened log bucket, kept 400 days.
      expect(one(r, "aws:s3/bucketLogging:BucketLogging", `${logical}-logging`).inputs).toMatchObject({ targetBucket: `${name}-logs`, targetPrefix: "access/" });
      expect(one(r, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", `${logical}-logs-lifecycle`).inputs.rules).toContainEqual(
        expect.objectContaining({ id: "expire-access-logs", expiration: { days: 400 } }),
      );
      expect(one(r, "pulumi:providers:aws", `${logical}-aws`).inputs.defaultTags).toBe(
        JSON.stringify({ tags: { app: "secure-storage", environment: "prod", "secure-storage:stack": "prod", "secure-storage:bucket": logical } }),
      );
    }
    // Clinic backend: Put/Get/Delete on workspaces/*, ListBucket only under workspaces/.
    expect(JSON.parse(one(r, "aws:iam/userPolicy:UserPolicy", "clinic-aws-backend-odd-policy").inputs.policy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "ReadObjects", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`arn:aws:s3:::${clinic}/workspaces/*`] },
        {
          Sid: "WriteObjects",
          Effect: "Allow",
          Action: ["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:PutObject"],
          Resource: [`arn:aws:s3:::${clinic}/workspaces/*`],
        },
        { Sid: "DeleteObjects", Effect: "Allow", Action: ["s3:DeleteObject"], Resource: [`arn:aws:s3:::${clinic}/workspaces/*`] },
        { Sid: "ListObjects", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [`arn:aws:s3:::${clinic}`], Condition: { StringLike: { "s3:prefix": ["workspaces/*"] } } },
        {
          Sid: "BucketLocation",
          Effect: "Allow",
          Action: ["s3:GetBucketLocation"],
          Resource: [`arn:aws:s3:::${clinic}`],
        },
        // Issue 19: no history, whatever the access (versions, retention, legal hold, versioning itself).
        {
          Sid: "DenyObjectHistory",
          Effect: "Deny",
          Action: [
            "s3:BypassGovernanceRetention",
            "s3:DeleteObjectVersion",
            "s3:GetObjectVersion",
            "s3:PutObjectLegalHold",
            "s3:PutObjectRetention",
          ],
          Resource: [`arn:aws:s3:::${clinic}/*`],
        },
        {
          Sid: "DenyBucketHistory",
          Effect: "Deny",
          Action: ["s3:ListBucketVersions", "s3:PutBucketVersioning"],
          Resource: [`arn:aws:s3:::${clinic}`],
        },
        {
          Sid: "DenyReadsByVersionId",
          Effect: "Deny",
          Action: ["s3:GetObject"],
          Resource: [`arn:aws:s3:::${clinic}/*`],
          Condition: { StringLike: { "s3:versionid": ["?*"] } },
        },
      ],
    });
    expect(byType(r, "aws:iam/user:User").map((u) => u.inputs.path)).toEqual(["/storage/prod/", "/storage/prod/"]);
    expect(byType(r, "aws:kms/key:Key")).toEqual([]);
    expect(byType(r, "secure-storage:aws:Bucket").map((c) => c.name).sort()).toEqual(["clinic-aws", "invoices-aws"]);
  });
});
