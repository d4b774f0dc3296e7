/**
 * The project's own resource types under the provider plugin (secure-storage:*), the dynamic types
 * a stack keeps until its next `up` migrates it, and the MinIO and B2 components, which share the
 * bucket's type token but are no bucket: the rules judge the resource, never the component.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { policyNamed } from "../../policies/all";
import { runResource } from "./harness";

const conn = { endpoint: "http://127.0.0.1:9000", region: "us-east-1" };
const noKms = { conn, bucket: "b", versioning: true, lifecycle: [], forceDestroy: false };

/** A resource as the engine passes a component to the analyzer: no provider, no properties. */
async function judgeComponent(policy: string, type: string): Promise<string[]> {
  const p = policyNamed(policy).policy as ResourceValidationPolicy;
  const out: string[] = [];
  const args = { type, props: {}, urn: `urn:pulumi:s::p::${type}::c`, name: "c", getConfig: () => ({}) };
  const validate = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource!];
  for (const v of validate) await v(args as unknown as ResourceValidationArgs, (m) => out.push(m));
  return out;
}

describe("type tokens of the project's own resources", () => {
  it("judges the plugin's bucket and the legacy dynamic bucket alike", async () => {
    for (const type of ["secure-storage:minio:Bucket", "pulumi-nodejs:dynamic/minio:Bucket"]) {
      const violations = await runResource("minio-bucket-encryption", type, noKms);
      expect(violations, type).toEqual([expect.stringMatching(/kmsKeyId is not set/)]);
    }
    for (const type of ["secure-storage:b2:Bucket", "pulumi-nodejs:dynamic/b2:Bucket"]) {
      expect(await runResource("b2-bucket-all-private", type, { bucketType: "allPublic" }), type).toHaveLength(1);
    }
  });

  it("leaves the components that share the bucket token alone", async () => {
    expect(await judgeComponent("minio-bucket-encryption", "secure-storage:minio:Bucket")).toEqual([]);
    expect(await judgeComponent("minio-bucket-versioning", "secure-storage:minio:Bucket")).toEqual([]);
    expect(await judgeComponent("b2-bucket-all-private", "secure-storage:b2:Bucket")).toEqual([]);
  });
});
