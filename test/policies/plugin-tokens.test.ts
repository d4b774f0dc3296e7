/**
 * The project's own resource types under the provider plugin (secure-storage:*), the dynamic types
 * a stack keeps until its next `up` migrates it, and the components, whose tokens are their own:
 * the rules judge the resources, and no rule lists a component.
 */
import { describe, expect, it } from "vitest";
import { catalog } from "../../policies/all";
import { COMPONENT_TYPES } from "../../components/component-types";
import { RESOURCE_TYPES } from "../../provider/types";
import { runResource } from "./harness";

const conn = { endpoint: "http://127.0.0.1:9000", region: "us-east-1" };
const noKms = { conn, bucket: "b", versioning: true, lifecycle: [], forceDestroy: false };

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

  // The engine hands components to the analyzer too, with no provider and no properties: a rule
  // listing a component's token would judge an empty bag (the pack has no skip for that).
  it("lists no component token, and no component token is a plugin type", () => {
    const isComponent = (t: string) => (Object.values(COMPONENT_TYPES) as string[]).includes(t);
    expect(catalog.flatMap((p) => p.types.filter(isComponent).map((t) => `${p.name}: ${t}`))).toEqual([]);
    expect(RESOURCE_TYPES.map((r) => r.token).filter(isComponent)).toEqual([]);
  });
});
