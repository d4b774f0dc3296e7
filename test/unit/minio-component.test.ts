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
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        const extra = args.type.endsWith(":Key") ? { accessKey: `AK-${args.name}`, secretKey: `SK-${args.name}` } : {};
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
  it("registers a private bucket and one key resource (policy + user) per live generation", async () => {
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

    const byType = (t: string) => registered.filter((r) => r.type === t);
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

    expect(byType("secure-storage:minio:Policy")).toEqual([]);
    expect(byType("secure-storage:minio:User")).toEqual([]);
    const keys = byType("secure-storage:minio:Key");
    expect(keys.map((k) => `${k.name}:${k.inputs.slot}:${k.inputs.generation}:${k.inputs.label}`).sort()).toEqual([
      "clinic-backend-g1:clinic-unit-000000-backend:1:backend",
      "clinic-backend-g2:clinic-unit-000000-backend:2:backend",
      "clinic-reader-g3:clinic-unit-000000-reader:3:reader",
    ]);
    for (const k of keys) expect(k.inputs.conn).toEqual({ endpoint: "http://127.0.0.1:9000", region: "us-east-1" });
    // Both live generations of a key carry the same document; each owns a policy of its own.
    const docOf = (n: string) => keys.find((k) => k.name === n)!.inputs.document as string;
    expect(docOf("clinic-backend-g1")).toBe(docOf("clinic-backend-g2"));
    expect(docOf("clinic-reader-g3")).not.toBe(docOf("clinic-backend-g2"));
    const backendDoc = JSON.parse(docOf("clinic-backend-g2"));
    expect(backendDoc.Statement.map((s: { Sid: string }) => s.Sid)).toEqual([
      "ReadObjects",
      "WriteObjects",
      "ListObjects",
      "BucketLocation",
      "DenyObjectHistory",
      "DenyBucketHistory",
      "DenyReadsByVersionId",
    ]);

    // generation 2 keeps generation 1 alive; retirePrevious drops it (above: no reader-g2).
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
