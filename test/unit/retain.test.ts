/**
 * The one retain rule (spec.ts `retain`, components/retain.ts) under mocks, per provider: the
 * resources that hold data are registered with protect + retainOnDelete by default, without them
 * for a forceDestroy dev bucket or `retain: false`, and nothing else is ever protected.
 */
import { describe, expect, it } from "vitest";
import { AwsBucket, AwsBucketOptions, AwsSettings } from "../../components/aws";
import { B2Bucket } from "../../components/b2";
import { GcpSettings, GcsBucket, GcsBucketOptions } from "../../components/gcp";
import { MinioBucket } from "../../components/minio";
import { parseStorageSpec, retains, SpecError, type BucketInput, type Provider } from "../../components/spec";
import { parseStackConfig } from "../../stacks/config";
import { installB2Mocks } from "../helpers/b2-mocks";
import { customTypesNamed, optionsOf, settle, type Registered } from "../helpers/mocks";
import { ACCOUNT, runMocked } from "./aws-mocks";
import { build as buildAzure, installAzureMocks } from "./azure-mocks";
import { installGcpMocks, registered as gcpRegistered } from "./gcp-mocks";

type Bucket = Omit<BucketInput, "provider">;
const KEYS = { keys: { app: { access: ["read", "write"], prefixes: ["u/"], generation: 1 } } } satisfies Bucket;
const specOf = (provider: Provider, name: string, b: Bucket) =>
  parseStorageSpec({ buckets: { [name]: { provider, ...b } } }).buckets[name];

const RETAINED = { protect: true, retainOnDelete: true };
const DESTROYABLE = { protect: false, retainOnDelete: false };

/** The three cases every provider gets: omitted (retained), dev forceDestroy, explicit retain: false. */
const CASES: Array<[string, Bucket, typeof RETAINED]> = [
  ["default", {}, RETAINED],
  ["forcedestroy", { forceDestroy: true }, DESTROYABLE],
  ["unretained", { retain: false }, DESTROYABLE],
];

/** A retained bucket's hardening is protected (a refused destroy leaves it), never retained on delete. */
const guardedFor = (expected: typeof RETAINED) => (expected.protect ? { protect: true, retainOnDelete: false } : DESTROYABLE);

function expectGuarded(resources: Array<Pick<Registered, "type" | "name">>, guarded: string[], expected: typeof RETAINED) {
  for (const g of guarded) {
    const [type, n] = g.split("::");
    expect(resources.some((r) => r.type === type && r.name === n), g).toBe(true);
    expect(optionsOf(type, n), g).toEqual(guardedFor(expected));
  }
}

/** Every other custom resource of the run (keys, their policies and users) must be destroyable. */
function expectOthersDestroyable(resources: Array<Pick<Registered, "type" | "name">>, data: string[]) {
  const others = resources.filter((r) => customTypesNamed(r.name).includes(r.type) && !data.includes(`${r.type}::${r.name}`));
  expect(others.length).toBeGreaterThan(0);
  for (const r of others) expect(optionsOf(r.type, r.name), `${r.type} ${r.name}`).toEqual(DESTROYABLE);
}

describe("the retain rule in the spec", () => {
  it("is on when omitted, off for a forceDestroy dev bucket, and explicit either way", () => {
    expect(retains(specOf("minio", "bk", {}))).toBe(true);
    expect(retains(specOf("minio", "bk", { forceDestroy: true }))).toBe(false);
    expect(retains(specOf("minio", "bk", { retain: false }))).toBe(false);
    expect(retains(specOf("minio", "bk", { retain: true }))).toBe(true);
    expect(retains({ forceDestroy: false })).toBe(true); // a spec built by hand is secure too
  });

  it("refuses retain: true with forceDestroy: true, naming the path, on one line", () => {
    let problems: string[] = [];
    try {
      parseStorageSpec({ buckets: { media: { provider: "minio", forceDestroy: true, retain: true } } });
    } catch (e) {
      expect(e).toBeInstanceOf(SpecError);
      problems = (e as SpecError).problems;
    }
    expect(problems).toEqual([
      "storage:buckets.media.retain: contradicts forceDestroy: true (retain keeps the data, forceDestroy deletes it): drop one",
    ]);
  });

  it("refuses the old storage:aws.protect with a one-line pointer to retain", () => {
    const raw = { buckets: { b1: { provider: "aws" } }, aws: { region: "eu-central-1", protect: true } };
    expect(() => parseStackConfig(raw)).toThrow(SpecError);
    try {
      parseStackConfig(raw);
    } catch (e) {
      expect((e as SpecError).problems).toEqual([
        "storage:aws.protect: was replaced by storage:buckets.<name>.retain (on unless forceDestroy): remove this line",
      ]);
    }
  });
});

describe.each(CASES)("AwsBucket, %s", (label, bucket, expected) => {
  it("protects and retains the bucket, its log bucket and its KMS key; protects its hardening; keys stay destroyable", async () => {
    const name = `aws-${label}`;
    const spec = specOf("aws", name, { ...bucket, ...KEYS, options: { createKmsKey: true } });
    const run = await runMocked(() =>
      new AwsBucket(name, {
        bucketName: `${name}-unit-abc123`,
        spec,
        settings: AwsSettings.parse({ region: "eu-central-1", accountId: ACCOUNT }),
        options: AwsBucketOptions.parse(spec.options),
        stack: "unit",
      }),
    );
    const data = [`aws:s3/bucket:Bucket::${name}`, `aws:s3/bucket:Bucket::${name}-logs`, `aws:kms/key:Key::${name}-kms-key`];
    for (const d of data) {
      const [type, n] = d.split("::");
      const r = run.resources.find((x) => x.type === type && x.name === n);
      expect(r, d).toBeDefined();
      expect({ protect: r!.opts.protect, retainOnDelete: r!.opts.retainOnDelete }, d).toEqual(expected);
    }
    const s3 = (t: string, suffix: string) => `aws:s3/${t}::${name}-${suffix}`;
    const guarded = [
      s3("bucketOwnershipControls:BucketOwnershipControls", "ownership"),
      s3("bucketPublicAccessBlock:BucketPublicAccessBlock", "public-access-block"),
      s3("bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "encryption"),
      s3("bucketVersioning:BucketVersioning", "versioning"),
      s3("bucketLifecycleConfiguration:BucketLifecycleConfiguration", "lifecycle"),
      s3("bucketPolicy:BucketPolicy", "policy"),
      s3("bucketLogging:BucketLogging", "logging"),
    ];
    expectGuarded(run.resources, guarded, expected);
    expectOthersDestroyable(run.resources, [...data, ...guarded]);
  });
});

describe.each(CASES)("AzureBucket, %s", (label, bucket, expected) => {
  it("protects and retains the storage account and the container; protects the blob service settings", async () => {
    installAzureMocks();
    const name = `az-${label}`;
    const { resources } = await buildAzure(name, { ...bucket, ...KEYS });
    const data = [
      `azure-native:storage:StorageAccount::${name}-account`,
      `azure-native:storage:BlobContainer::${name}-container`,
    ];
    for (const d of data) expect(optionsOf(...(d.split("::") as [string, string])), d).toEqual(expected);
    const guarded = [`azure-native:storage:BlobServiceProperties::${name}-blob-service`];
    expectGuarded(resources, guarded, expected);
    expectOthersDestroyable(resources, [...data, ...guarded]);
  });
});

describe.each(CASES)("GcsBucket, %s", (label, bucket, expected) => {
  it("protects and retains the bucket, and nothing else", async () => {
    installGcpMocks();
    const before = gcpRegistered.length;
    const name = `gcs-${label}`;
    new GcsBucket(name, {
      bucketName: `${name}-unit-0a1b2c`,
      spec: specOf("gcp", name, { ...bucket, ...KEYS }),
      settings: GcpSettings.parse({ project: "acme-storage", location: "europe-west1" }),
      options: GcsBucketOptions.parse({}),
      stack: "unit",
    });
    await settle();
    expect(optionsOf("gcp:storage/bucket:Bucket", name)).toEqual(expected);
    expectOthersDestroyable(gcpRegistered.slice(before), [`gcp:storage/bucket:Bucket::${name}`]);
  });
});

/**
 * MinIO and B2 buckets are our own resources, whose type token has changed before (dynamic
 * provider to plugin): the one custom resource named like the component, whatever its token.
 */
function bucketResource(name: string): { type: string } {
  const types = customTypesNamed(name);
  expect(types, `the ${name} bucket resource`).toHaveLength(1);
  return { type: types[0] };
}

describe.each(CASES)("MinioBucket, %s", (label, bucket, expected) => {
  it("protects and retains the bucket, and nothing else", async () => {
    const registered: Registered[] = [];
    installB2Mocks(registered); // records every resource; MinIO needs no provider outputs beyond its inputs
    const name = `minio-${label}`;
    new MinioBucket(name, {
      bucketName: `${name}-unit-000000`,
      spec: specOf("minio", name, { ...bucket, ...KEYS }),
      settings: { endpoint: "http://127.0.0.1:9000", region: "us-east-1", kmsKeyId: "dev-sse-key" },
    });
    await settle();
    const b = bucketResource(name);
    expect(optionsOf(b.type, name)).toEqual(expected);
    expectOthersDestroyable(registered, [`${b.type}::${name}`]);
  });
});

// B2 refuses forceDestroy (the provider never deletes files), so only the default and retain: false.
describe.each(CASES.filter(([label]) => label !== "forcedestroy"))("B2Bucket, %s", (label, bucket, expected) => {
  it("protects and retains the bucket, and nothing else", async () => {
    const registered: Registered[] = [];
    installB2Mocks(registered);
    const name = `b2x-${label}`;
    new B2Bucket(name, {
      bucketName: `${name}-unit-000000`,
      spec: specOf("b2", name, { ...bucket, ...KEYS }),
      settings: { apiUrl: "https://api.backblazeb2.com" },
      stack: "unit",
    });
    await settle();
    const b = bucketResource(name);
    expect(optionsOf(b.type, name)).toEqual(expected);
    expectOthersDestroyable(registered, [`${b.type}::${name}`]);
  });
});
