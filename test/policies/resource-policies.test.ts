/** Every resource policy against its data table: each row must produce exactly the listed violations. */
import { describe, expect, it } from "vitest";
import { catalog } from "../../policies/all";
import { awsCases } from "./cases/aws";
import { awsInlineCases } from "./cases/aws-inline";
import { azureCases } from "./cases/azure";
import { b2Cases } from "./cases/b2";
import { commonCases } from "./cases/common";
import { gcpCases } from "./cases/gcp";
import { gcpAclCases } from "./cases/gcp-acl";
import { minioCases } from "./cases/minio";
import { minioPackageCases } from "./cases/minio-package";
import { evaluateResource, runResource, U, type ResourceCase } from "./harness";

const tables: Record<string, ResourceCase[]> = { aws: awsCases, "aws inline": awsInlineCases, azure: azureCases, gcp: gcpCases, "gcp ACL": gcpAclCases, minio: minioCases, "@pulumi/minio": minioPackageCases, b2: b2Cases, common: commonCases };

for (const [provider, cases] of Object.entries(tables)) {
  describe(`${provider} resource policies`, () => {
    const outcome = (c: ResourceCase) => (c.bad ? `${c.bad.length} violation(s)` : c.preview ? "can't judge in preview" : "passes");
    it.each(cases.map((c) => [`${c.policy}: ${c.title} -> ${outcome(c)}`, c] as const))("%s", async (_t, c) => {
      const { violations: messages, cannotJudge } = await evaluateResource(c.policy, c.type, c.props, c.config);
      const expected = c.bad ?? [];
      expect(messages, messages.join("\n")).toHaveLength(expected.length);
      expected.forEach((re, i) => expect(messages[i]).toMatch(re));
      // A known violation stands alone; a pass that read an unknown is reported as not judged.
      if (c.preview) expect(cannotJudge).toMatch(c.preview);
      else expect(cannotJudge, cannotJudge).toBeUndefined();
    });
  });
}

describe("resource policies ignore other types and survive preview", () => {
  it("a policy reports nothing for a resource type it does not cover", async () => {
    expect(await runResource("aws-s3-public-access-block", "aws:s3/bucket:Bucket", { blockPublicAcls: false })).toEqual([]);
  });

  // Every property any policy reads, unknown as in a preview before the values exist.
  const strings = [
    ...["bucket", "acl", "policy", "document", "member", "policyData", "entity", "kmsKeyId", "bucketType", "bucketId", "publicAccess", "minimumTlsVersion"],
    ...["publicAccessPrevention", "predefinedAcl", "defaultAcl", "role", "encryptionType", "policyName", "userName", "groupName", "publicNetworkAccess", "accountName"],
  ];
  const bools = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets", "allowBlobPublicAccess", "enableHttpsTrafficOnly", "uniformBucketLevelAccess", "forceDestroy"];
  const arrays = ["serverSideEncryptionConfigurations", "versionings", "websites", "loggings", "grants", "rules", "corsRules", "members", "roleEntities", "origins", "lifecycleRules", "capabilities", "bucketIds", "permissions"];
  const objects = ["serverSideEncryptionConfiguration", "accessControlPolicy", "rule", "versioning", "versioningConfiguration", "website", "cors", "deleteRetentionPolicy", "containerDeleteRetentionPolicy", "conn", "defaultServerSideEncryption", "networkRuleSet", "encryption"];
  const allUnknown = Object.fromEntries([...strings.map((k) => [k, U.string]), ...bools.map((k) => [k, U.bool]), ...arrays.map((k) => [k, U.array]), ...objects.map((k) => [k, U.object])]);
  // Website configurations are violations by their mere existence, whatever their properties.
  const existenceIsViolation = new Set(["aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration", "aws:s3/bucketWebsiteConfigurationV2:BucketWebsiteConfigurationV2"]);

  it("every resource policy reports no violation, and says it cannot judge, when every property is unknown", async () => {
    let checked = 0;
    const silent: string[] = [];
    for (const p of catalog.filter((c) => c.kind === "resource")) {
      for (const type of p.types.filter((t) => !existenceIsViolation.has(t))) {
        const { violations, cannotJudge } = await evaluateResource(p.name, type, allUnknown);
        expect(violations, `${p.name} on ${type}`).toEqual([]);
        if (!cannotJudge?.includes("can't be known during preview")) silent.push(`${p.name} on ${type}`);
        checked++;
      }
    }
    expect(silent, "policies that pass silently on unknown input").toEqual([]);
    expect(checked).toBeGreaterThan(40);
  });
});
