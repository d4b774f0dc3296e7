/** The MinIO component hands every bucket its owner (`<project>/<stack>/<logical>`) for the owner tag. */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { bucketOwner } from "../../components/minio/owner";
import { parseStorageSpec } from "../../components/spec";

const buckets: Array<Record<string, unknown>> = [];

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        if (args.type === "secure-storage:minio:Bucket") buckets.push(args.inputs);
        return { id: `${args.name}-id`, state: { ...args.inputs, accessKey: `AK-${args.name}`, secretKey: "s" } };
      },
      call: () => ({}),
    },
    "secure-storage",
    "ownertest",
    false,
  );
});

describe("MinioBucket owner", () => {
  it("is project/stack/logical name, distinct per bucket and per stack", async () => {
    const { MinioBucket } = await import("../../components/minio");
    const specs = parseStorageSpec({ buckets: { clinic: { provider: "minio" }, recordings: { provider: "minio" } } }).buckets;
    const settings = { endpoint: "http://127.0.0.1:9000", region: "us-east-1", kmsKeyId: "dev-sse-key" };
    const c1 = new MinioBucket("clinic", { bucketName: "clinic-x-000000", spec: specs.clinic, settings });
    const c2 = new MinioBucket("recordings", { bucketName: "recordings-x-000000", spec: specs.recordings, settings });
    await new Promise<void>((r) => pulumi.all([c1.bucketName, c2.bucketName]).apply(() => r()));
    await new Promise((r) => setTimeout(r, 30));
    expect(buckets.map((b) => b.owner).sort()).toEqual(["secure-storage/ownertest/clinic", "secure-storage/ownertest/recordings"]);
    expect(bucketOwner("secure-storage", "prod", "clinic")).not.toBe(bucketOwner("secure-storage", "ownertest", "clinic"));
  });
});
