import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { parseStorageSpec } from "../../components/spec";
import { settle, unwrap, type Registered } from "../helpers/mocks";
import { asStaticKey } from "../../components/contract";

const registered: Registered[] = [];

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs, custom: args.custom });
        const extra = args.type.endsWith(":User") ? { accessKey: `AK-${args.name}`, secretKey: `SK-${args.name}` } : {};
        return { id: `${args.name}-id`, state: { ...args.inputs, ...extra } };
      },
      call: () => ({}),
    },
    "secure-storage",
    "unit",
    false,
  );
});


describe("MinioBucket under mocks", () => {
  it("registers a private bucket, one policy per key and two credential slots", async () => {
    const { MinioBucket } = await import("../../components/minio");
    const spec = parseStorageSpec({
      buckets: {
        clinic: {
          provider: "minio",
          lifecycle: [{ noncurrentExpireDays: 30 }],
          keys: {
            backend: { access: ["read", "write", "list"], prefixes: ["workspaces/"], generation: 2 },
            reader: { access: ["read"], generation: 3, retirePrevious: true },
          },
        },
      },
    }).buckets.clinic;
    const c = new MinioBucket("clinic", {
      bucketName: "clinic-unit-000000",
      spec,
      settings: { endpoint: "http://127.0.0.1:9000", region: "us-east-1", kmsKeyId: "dev-sse-key" },
    });
    const secret = asStaticKey(c.contract.keys!.backend).current.secret as pulumi.Output<string>;
    expect(await pulumi.isSecret(secret)).toBe(true);
    await settle();

    const byType = (t: string) => registered.filter((r) => r.custom && r.type === t);
    const bucket = byType("secure-storage:minio:Bucket");
    expect(bucket).toHaveLength(1);
    expect(bucket[0].inputs).toMatchObject({
      bucket: "clinic-unit-000000",
      versioning: true,
      kmsKeyId: "dev-sse-key",
      forceDestroy: false,
      lifecycle: [{ noncurrentExpireDays: 30 }],
      conn: { endpoint: "http://127.0.0.1:9000", region: "us-east-1" },
    });
    expect(bucket[0].inputs.objectLock).toBeUndefined();

    const policies = byType("secure-storage:minio:Policy");
    expect(policies.map((p) => p.inputs.name).sort()).toEqual(["clinic-unit-000000-backend", "clinic-unit-000000-reader"]);
    const backendDoc = JSON.parse(policies.find((p) => p.inputs.name === "clinic-unit-000000-backend")!.inputs.document as string);
    expect(backendDoc.Statement.map((s: { Sid: string }) => s.Sid)).toEqual([
      "ReadObjects",
      "WriteObjects",
      "ListObjects",
      "BucketLocation",
      "DenyObjectHistory",
      "DenyBucketHistory",
      "DenyReadsByVersionId",
    ]);

    // generation 2 keeps generation 1 alive; retirePrevious drops it.
    const users = byType("secure-storage:minio:User").map((u) => `${u.name}:${u.inputs.generation}`).sort();
    expect(users).toEqual(["clinic-backend-g1:1", "clinic-backend-g2:2", "clinic-reader-g3:3"]);
    expect(await unwrap(pulumi.output(asStaticKey(c.contract.keys!.backend).previous!.id))).toBe("AK-clinic-backend-g1");
    expect(asStaticKey(c.contract.keys!.reader).previous).toBeUndefined();
  });

  it("refuses a spec for another provider", async () => {
    const { MinioBucket } = await import("../../components/minio");
    const spec = parseStorageSpec({ buckets: { b1: { provider: "aws" } } }).buckets.b1;
    expect(() => new MinioBucket("b1", { bucketName: "b1-x", spec, settings: { endpoint: "http://x:1", region: "r", kmsKeyId: "k" } })).toThrow(
      /expected "minio"/,
    );
  });
});
