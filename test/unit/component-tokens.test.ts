/**
 * The MinIO and B2 bucket components under mocks: a token of their own (the plugin serves
 * `Bucket` in both modules), an alias to the token they had, and children whose aliases, multiplied
 * out through that alias the way the engine does, name each URN an earlier design deployed.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { B2Bucket } from "../../components/b2";
import { COMPONENT_TYPES, FORMER_COMPONENT_TYPES } from "../../components/component-types";
import { MinioBucket } from "../../components/minio";
import { parseStorageSpec, type BucketInput } from "../../components/spec";
import { RESOURCE_TYPES } from "../../provider/types";
import { installB2Mocks } from "../helpers/b2-mocks";
import { aliasesOf, customTypesNamed, optionsOf, settle, unwrap, type SentAlias } from "../helpers/mocks";
import type { Registered } from "../helpers/mocks";

type Bucket = Omit<BucketInput, "provider">;
const KEYS = { keys: { app: { access: ["read", "write"], prefixes: ["u/"], generation: 1 } } } satisfies Bucket;
const specOf = (provider: "minio" | "b2", name: string) =>
  parseStorageSpec({ buckets: { [name]: { provider, ...KEYS } } }).buckets[name];
const minioSettings = { endpoint: "http://127.0.0.1:9000", region: "us-east-1", kmsKeyId: "dev-sse-key" };
/** A URN of the mocks' project and stack, `types` being the parent chain and the resource's own. */
const urn = (types: string[], name: string) => `urn:pulumi:unit::secure-storage::${types.join("$")}::${name}`;
const typeOf = (a: SentAlias) => (typeof a === "string" ? a : a.type);

/** Every URN the engine would match `child` by: its own aliases, and each under the parent's. */
async function engineAliases(
  child: { type: string; name: string },
  parent: pulumi.ComponentResource,
  parentName: string,
): Promise<string[]> {
  const own = aliasesOf(child.type, child.name).map((a) => ({ type: typeOf(a) }));
  return Promise.all(pulumi.allAliases(own, child.name, child.type, parent, parentName).map((o) => unwrap(o)));
}

const registered: Registered[] = [];
beforeAll(() => installB2Mocks(registered));

describe("component type tokens", () => {
  it("are none of the plugin's types, and the renamed ones name the bucket token they had", () => {
    const plugin = RESOURCE_TYPES.map((r) => r.token);
    expect(Object.values(COMPONENT_TYPES).filter((t) => plugin.includes(t))).toEqual([]);
    expect(FORMER_COMPONENT_TYPES).toEqual({
      "secure-storage:minio:PrivateBucket": "secure-storage:minio:Bucket",
      "secure-storage:b2:PrivateBucket": "secure-storage:b2:Bucket",
    });
  });

  it("MinioBucket: is minio:PrivateBucket with an alias to minio:Bucket; its children follow it", async () => {
    const spec = specOf("minio", "docs");
    const c = new MinioBucket("docs", { bucketName: "docs-unit-000000", spec, settings: minioSettings });
    await settle();
    expect(await unwrap(c.urn)).toBe(urn(["secure-storage:minio:PrivateBucket"], "docs"));
    const named = registered.filter((r) => r.name === "docs").map((r) => r.type);
    expect(named.sort()).toEqual(["secure-storage:minio:Bucket", "secure-storage:minio:PrivateBucket"]);
    expect(customTypesNamed("docs")).toEqual(["secure-storage:minio:Bucket"]);
    expect(aliasesOf("secure-storage:minio:PrivateBucket", "docs")).toEqual([{ type: "secure-storage:minio:Bucket" }]);

    // Each child sends only its own aliases, relative to the component's new URN; the engine adds
    // the former parent chain. Retained as before: the alias changes no option.
    const parentUrn = await unwrap(c.urn);
    const dynamicType = "pulumi-nodejs:dynamic/minio:Bucket";
    expect(aliasesOf("secure-storage:minio:Bucket", "docs")).toEqual([{ type: dynamicType, parentUrn }]);
    expect(optionsOf("secure-storage:minio:Bucket", "docs")).toEqual({ protect: true, retainOnDelete: true });
    // A key's own aliases are the types a key generation had (provider/types.ts formerTokens), no others.
    expect(aliasesOf("secure-storage:minio:Key", "docs-app-g1")).toEqual([
      { type: "secure-storage:minio:User", parentUrn },
      { type: "pulumi-nodejs:dynamic/minio:User", parentUrn },
    ]);
    expect(optionsOf("secure-storage:minio:Key", "docs-app-g1")).toEqual({ protect: false, retainOnDelete: false });
    const former = "secure-storage:minio:Bucket";
    expect(await engineAliases({ type: "secure-storage:minio:Bucket", name: "docs" }, c, "docs")).toEqual(
      expect.arrayContaining([
        urn([former, "secure-storage:minio:Bucket"], "docs"),
        urn([former, "pulumi-nodejs:dynamic/minio:Bucket"], "docs"),
      ]),
    );
    expect(await engineAliases({ type: "secure-storage:minio:Key", name: "docs-app-g1" }, c, "docs")).toEqual(
      expect.arrayContaining([
        urn([former, "secure-storage:minio:Key"], "docs-app-g1"),
        urn([former, "secure-storage:minio:User"], "docs-app-g1"),
        urn([former, "pulumi-nodejs:dynamic/minio:User"], "docs-app-g1"),
      ]),
    );
  });

  it("B2Bucket: is b2:PrivateBucket with an alias to b2:Bucket; its children follow it", async () => {
    const settings = { apiUrl: "https://api.backblazeb2.com" };
    const spec = specOf("b2", "tasks");
    const c = new B2Bucket("tasks", { bucketName: "tasks-unit-000000", spec, settings, stack: "unit" });
    await settle();
    expect(await unwrap(c.urn)).toBe(urn(["secure-storage:b2:PrivateBucket"], "tasks"));
    expect(customTypesNamed("tasks")).toEqual(["secure-storage:b2:Bucket"]);
    expect(aliasesOf("secure-storage:b2:PrivateBucket", "tasks")).toEqual([{ type: "secure-storage:b2:Bucket" }]);
    expect(optionsOf("secure-storage:b2:Bucket", "tasks")).toEqual({ protect: true, retainOnDelete: true });
    const former = "secure-storage:b2:Bucket";
    expect(await engineAliases({ type: "secure-storage:b2:Bucket", name: "tasks" }, c, "tasks")).toEqual(
      expect.arrayContaining([
        urn([former, "secure-storage:b2:Bucket"], "tasks"),
        urn([former, "pulumi-nodejs:dynamic/b2:Bucket"], "tasks"),
      ]),
    );
    expect(await engineAliases({ type: "secure-storage:b2:ApplicationKey", name: "tasks-app-g1" }, c, "tasks")).toEqual(
      expect.arrayContaining([urn([former, "secure-storage:b2:ApplicationKey"], "tasks-app-g1")]),
    );
  });

  it("keeps a caller's aliases next to the former token", async () => {
    const args = { bucketName: "moved-unit-000000", spec: specOf("minio", "moved"), settings: minioSettings };
    new MinioBucket("moved", args, { aliases: [{ name: "before-move" }] });
    await settle();
    const sent = aliasesOf("secure-storage:minio:PrivateBucket", "moved");
    expect(sent).toEqual([{ name: "before-move" }, { type: "secure-storage:minio:Bucket" }]);
  });
});
