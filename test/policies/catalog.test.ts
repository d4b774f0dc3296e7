/**
 * The pack as a whole: every policy has a bad and a good row in the tables, names its controls,
 * looks at type tokens the real provider SDKs use, and appears in docs/policies.md with its levels.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as azure from "@pulumi/azure-native";
import * as gcp from "@pulumi/gcp";
import * as minio from "@pulumi/minio";
import { describe, expect, it } from "vitest";
import { catalog, policies } from "../../policies/all";
import { advisoryByDesign, configFile, DEV_EXCEPTIONS, readLevelConfig } from "../../policies/levels";
import { AWS, AZURE, GCP, MINIO_PKG } from "../../policies/rules/types";
import { awsCases } from "./cases/aws";
import { awsInlineCases } from "./cases/aws-inline";
import { azureCases } from "./cases/azure";
import { b2Cases } from "./cases/b2";
import { commonCases } from "./cases/common";
import { gcpCases } from "./cases/gcp";
import { gcpAclCases } from "./cases/gcp-acl";
import { minioCases } from "./cases/minio";
import { minioPackageCases } from "./cases/minio-package";
import { stackCases } from "./cases/stack";
import { stackInlineCases } from "./cases/stack-inline";

const rows: Array<{ policy: string; bad?: unknown[] }> = [...awsCases, ...awsInlineCases, ...azureCases, ...gcpCases, ...gcpAclCases, ...minioCases, ...minioPackageCases, ...b2Cases, ...commonCases, ...stackCases, ...stackInlineCases];

describe("policy catalog", () => {
  it("has unique names, and serves one CrossGuard policy per entry", () => {
    const names = catalog.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(policies.map((p) => p.name)).toEqual(names);
    expect(names.length).toBeGreaterThanOrEqual(35);
  });

  it.each(catalog.map((p) => [p.name] as const))("%s has at least one violating and one passing row", (name) => {
    expect(rows.filter((r) => r.policy === name && r.bad?.length).length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.policy === name && !r.bad?.length).length).toBeGreaterThan(0);
  });

  it("every row names a policy that exists", () => {
    const names = new Set(catalog.map((p) => p.name));
    expect(rows.filter((r) => !names.has(r.policy)).map((r) => r.policy)).toEqual([]);
  });

  it("every description names the benchmark controls", () => {
    for (const p of catalog) {
      expect(p.controls.length, p.name).toBeGreaterThan(0);
      for (const c of p.controls) expect(p.policy.description, p.name).toContain(c);
      expect(p.controls.join(" "), p.name).toMatch(/AWS FSBP|CIS|CKV2?_[A-Z]+_\d+|OWASP|project rule/);
    }
  });

  it("covers every provider the components deploy", () => {
    for (const provider of ["aws", "azure", "gcp", "minio", "b2"] as const) {
      expect(catalog.some((p) => p.providers.includes(provider)), provider).toBe(true);
    }
  });

  it("type tokens are the ones the provider SDKs register", () => {
    const token = (cls: unknown) => (cls as { __pulumiType: string }).__pulumiType;
    const sdk = [
      aws.s3.Bucket, aws.s3.BucketV2, aws.s3.BucketAcl, aws.s3.BucketAclV2, aws.s3.BucketPolicy, aws.s3.BucketPublicAccessBlock,
      aws.s3.BucketOwnershipControls, aws.s3.BucketServerSideEncryptionConfiguration, aws.s3.BucketServerSideEncryptionConfigurationV2,
      aws.s3.BucketCorsConfiguration, aws.s3.BucketCorsConfigurationV2, aws.s3.BucketLifecycleConfiguration, aws.s3.BucketLifecycleConfigurationV2,
      aws.s3.BucketVersioning, aws.s3.BucketVersioningV2, aws.s3.BucketLogging, aws.s3.BucketLoggingV2, aws.s3.BucketWebsiteConfiguration,
      aws.s3.BucketWebsiteConfigurationV2, aws.iam.Policy, aws.iam.UserPolicy, aws.iam.RolePolicy, aws.iam.GroupPolicy,
      azure.storage.StorageAccount, azure.storage.BlobContainer, azure.storage.BlobServiceProperties,
      gcp.storage.Bucket, gcp.storage.BucketIAMMember, gcp.storage.BucketIAMBinding, gcp.storage.BucketIAMPolicy, gcp.storage.BucketACL,
      gcp.storage.DefaultObjectACL, gcp.storage.BucketAccessControl, gcp.storage.DefaultObjectAccessControl, gcp.storage.ObjectAccessControl, gcp.storage.ObjectACL,
      gcp.projects.IAMCustomRole,
      minio.S3Bucket, minio.S3BucketPolicy, minio.IamPolicy, minio.IamGroupPolicy, minio.IamServiceAccount, minio.IamUserPolicyAttachment,
      minio.IamGroupPolicyAttachment, minio.S3BucketServerSideEncryption, minio.S3BucketVersioning, minio.IlmPolicy,
    ].map(token);
    const ours = [...Object.values(AWS), ...Object.values(GCP), ...Object.values(MINIO_PKG), AZURE.account, AZURE.container, AZURE.blobService].flat();
    expect([...ours].sort()).toEqual([...sdk].sort());
  });
});

describe("docs/policies.md", () => {
  const doc = fs.readFileSync(path.resolve(__dirname, "../../docs/policies.md"), "utf8");
  const prod = readLevelConfig(catalog, configFile("prod"));
  const dev = readLevelConfig(catalog, configFile("dev"));

  const section = (title: string) => doc.split(/^## /m).find((s) => s.startsWith(title)) ?? "";
  const policyTable = section("Policies\n");

  it.each(catalog.map((p) => [p.name, p] as const))("lists %s with its controls and prod/dev levels", (name, p) => {
    const line = policyTable.split("\n").find((l) => l.startsWith(`| \`${name}\``));
    expect(line, `no table row for ${name}`).toBeDefined();
    const cells = line!.split("|").map((c) => c.trim());
    for (const c of p.controls) expect(cells[2]).toContain(c);
    expect(cells[4]).toBe(prod[name]);
    expect(cells[5]).toBe(dev[name]);
  });

  it.each(catalog.map((p) => [p.name, p] as const))("lists the full type tokens %s reads", (name, p) => {
    const line = section("Resource types each policy reads").split("\n").find((l) => l.startsWith(`| \`${name}\``));
    expect(line, `no types row for ${name}`).toBeDefined();
    expect(line).toBe(`| \`${name}\` | ${p.types.map((t) => `\`${t}\``).join(", ")} |`);
  });

  it("lists every dev exception with its reason", () => {
    const levels = section("Enforcement levels");
    for (const [name, why] of Object.entries(DEV_EXCEPTIONS)) expect(levels).toContain(`| \`${name}\` | ${why} |`);
  });

  it("lists every policy that is advisory by design with its reason", () => {
    const levels = section("Enforcement levels");
    const reasons = Object.entries(advisoryByDesign(catalog));
    for (const [name, why] of reasons) expect(levels).toContain(`| \`${name}\` | ${why} |`);
  });
});
