/** The two-slot rule for MinIO keys, under mocks: which credential resources each config yields. */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { parseStorageSpec, type BucketInput } from "../../components/spec";
import { settle } from "../helpers/mocks";

let registered: { type: string; name: string; inputs: Record<string, unknown>; opts: { deleteBeforeReplace?: boolean } }[] = [];

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs, opts: {} });
        return { id: `${args.name}-id`, state: { ...args.inputs, accessKey: `AK-${args.name}`, secretKey: `SK-${args.name}` } };
      },
      call: () => ({}),
    },
    "secure-storage",
    "unit",
    false,
  );
});

const settings = { endpoint: "http://127.0.0.1:9000", region: "us-east-1", kmsKeyId: "dev-sse-key" };

/** The key (credential) resources one bucket config registers, by name, with the inputs that name the credential. */
async function credentials(bucket: BucketInput): Promise<Map<string, Record<string, unknown>>> {
  const { MinioBucket } = await import("../../components/minio");
  registered = [];
  const spec = parseStorageSpec({ buckets: { clinic: bucket } }).buckets.clinic;
  const c = new MinioBucket("clinic", { bucketName: "clinic-unit-000000", spec, settings });
  await settle();
  const keys = registered.filter((r) => r.type === "secure-storage:minio:Key");
  return new Map(keys.map((k) => [k.name, { generation: k.inputs.generation, slot: k.inputs.slot, label: k.inputs.label }]));
}

const key = (extra: Record<string, unknown>) => ({
  provider: "minio" as const,
  keys: { backend: { access: ["read" as const, "write" as const], prefixes: ["workspaces/"], generation: 1, ...extra } },
});

describe("MinIO keys follow the two-slot rule", () => {
  it("generation 1 has one credential", async () => {
    expect([...(await credentials(key({}))).keys()]).toEqual(["clinic-backend-g1"]);
  });

  it("a bump adds the new slot and keeps the old one with identical inputs (no replacement)", async () => {
    const g1 = await credentials(key({}));
    const g2 = await credentials(key({ generation: 2 }));
    expect([...g2.keys()].sort()).toEqual(["clinic-backend-g1", "clinic-backend-g2"]);
    expect(g2.get("clinic-backend-g1")).toEqual(g1.get("clinic-backend-g1"));
  });

  it("retirePrevious drops the old slot; the current one is untouched", async () => {
    const g2 = await credentials(key({ generation: 2 }));
    const retired = await credentials(key({ generation: 2, retirePrevious: true }));
    expect([...retired.keys()]).toEqual(["clinic-backend-g2"]);
    expect(retired.get("clinic-backend-g2")).toEqual(g2.get("clinic-backend-g2"));
  });

  it("never more than two alive: the next bump replaces the oldest, never the current", async () => {
    const g3 = await credentials(key({ generation: 3 }));
    expect([...g3.keys()].sort()).toEqual(["clinic-backend-g2", "clinic-backend-g3"]);
  });

  it("an unrelated change (CORS, lifecycle, prefixes) leaves the credentials as they are (the policy updates in place)", async () => {
    const base = await credentials(key({ generation: 2 }));
    const changed = await credentials({
      ...key({ generation: 2, prefixes: ["workspaces/", "exports/"] }),
      cors: [{ origins: ["https://app.example"], methods: ["GET"] }],
      lifecycle: [{ expireDays: 9 }],
    });
    expect(changed).toEqual(base);
  });

  it("the key provider replaces a credential create-before-delete", async () => {
    const { keyProvider } = await import("../../components/minio/key-impl");
    const conn = { endpoint: "http://127.0.0.1:9000", region: "us-east-1" };
    const news = { conn, slot: "s", generation: 1, label: "k", document: "{}" };
    const d = await keyProvider.diff("AK", news, { ...news, generation: 2 });
    expect(d).toMatchObject({ changes: true, replaces: ["generation"], deleteBeforeReplace: false });
  });

  it("the former user provider still replaces create-before-delete (old state)", async () => {
    const { userProvider } = await import("../../components/minio/identity-impl");
    const conn = { endpoint: "http://127.0.0.1:9000", region: "us-east-1" };
    const d = await userProvider.diff("AK", { conn, policyName: "p", generation: 1, label: "k" }, { conn, policyName: "p", generation: 2, label: "k" });
    expect(d).toMatchObject({ changes: true, replaces: ["generation"], deleteBeforeReplace: false });
  });
});
