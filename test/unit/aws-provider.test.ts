/**
 * AwsBucket and the caller's resource options: an aws provider given through `provider`,
 * `providers` or the parent is used for every child instead of the per-bucket one, and is checked
 * against the settings the ARNs and the contract are built from before anything is made.
 */
import * as aws from "@pulumi/aws";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { AwsBucket, AwsBucketOptions, AwsSettings } from "../../components/aws";
import { givenProviderProblems } from "../../components/aws/provider";
import { parseStorageSpec } from "../../components/spec";
import { ACCOUNT, byType, resolveDeep, runMocked, type Registered } from "./aws-mocks";

const PROVIDER = "pulumi:providers:aws";
const COMPONENT = "secure-storage:aws:Bucket";

type Settings = Parameters<typeof AwsSettings.parse>[0];

/** An AwsBucket "docs" with one key, built with the resource options `opts` makes. */
function build(opts: () => pulumi.ComponentResourceOptions, settings: Settings = { region: "eu-central-1" }) {
  const keys = { app: { access: ["read" as const], generation: 1 } };
  const spec = parseStorageSpec({ buckets: { docs: { provider: "aws", keys } } }).buckets.docs;
  const args = { bucketName: "docs-unit-abc123", spec, options: AwsBucketOptions.parse({}), stack: "unit" };
  return () => new AwsBucket("docs", { ...args, settings: AwsSettings.parse(settings) }, opts());
}

class Parent extends pulumi.ComponentResource {
  constructor(opts: pulumi.ComponentResourceOptions) {
    super("test:index:Parent", "app", {}, opts);
  }
}

/** The component's own resources: everything but the caller's provider and parent. */
const componentOwn = (r: Registered[]) => r.filter((x) => x.name.startsWith("docs"));

/** Node's unhandled rejections while `fn` runs: where a failed registration's error goes. */
async function rejectionsDuring(fn: () => Promise<unknown>): Promise<string[]> {
  const reasons: string[] = [];
  const saved = process.listeners("unhandledRejection");
  const capture = (reason: unknown) => void reasons.push(reason instanceof Error ? reason.message : String(reason));
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", capture);
  try {
    await fn();
    // Rejections are reported after the microtasks that caused them: let one more turn pass.
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off("unhandledRejection", capture);
    for (const l of saved) process.on("unhandledRejection", l);
  }
  return reasons;
}

describe("AwsBucket without an aws provider in its options", () => {
  it("makes its own per-bucket provider and puts every child on it", async () => {
    const run = await runMocked(build(() => ({})));
    expect(byType(run.resources, PROVIDER).map((p) => p.name)).toEqual(["docs-aws"]);
    for (const r of run.resources.filter((x) => x.type !== COMPONENT && x.type !== PROVIDER)) {
      expect(r.opts.provider, r.name).toMatch(/::docs-aws::docs-aws-id$/);
    }
    expect(run.invokes.map((i) => i.token)).not.toContain("aws:index/getRegion:getRegion");
  });

  it("ignores providers of other packages (they are for other children)", async () => {
    const run = await runMocked(build(() => ({ providers: [new gcp.Provider("gcp", { project: "p-123456" })] })));
    expect(byType(run.resources, PROVIDER).map((p) => p.name)).toEqual(["docs-aws"]);
  });
});

describe("AwsBucket with a caller's aws provider", () => {
  const given: Array<[string, (p: aws.Provider) => pulumi.ComponentResourceOptions]> = [
    ["opts.provider", (p) => ({ provider: p })],
    ["opts.providers (list)", (p) => ({ providers: [p] })],
    ["opts.providers (map)", (p) => ({ providers: { aws: p } })],
    ["the parent's providers", (p) => ({ parent: new Parent({ providers: [p] }) })],
  ];

  it.each(given)("%s: every child uses it, no per-bucket provider is made", async (_, opts) => {
    const run = await runMocked(build(() => opts(new aws.Provider("shared", { region: "eu-central-1" }))));
    expect(byType(run.resources, PROVIDER).map((p) => p.name)).toEqual(["shared"]);
    const own = componentOwn(run.resources).filter((r) => r.type !== COMPONENT);
    const types = ["aws:s3/bucket:Bucket", "aws:iam/user:User", "aws:s3/bucketPolicy:BucketPolicy"];
    expect(own.map((r) => r.type)).toEqual(expect.arrayContaining(types));
    for (const r of own) {
      expect(r.opts.provider, r.name).toMatch(/::shared::shared-id$/);
      expect(r.opts.parent, r.name).toMatch(/::docs$/);
    }
    // The contract still names the configured region, which the check proved is the provider's.
    expect(await resolveDeep(run.result.contract)).toMatchObject({
      region: "eu-central-1",
      endpoint: "https://s3.eu-central-1.amazonaws.com",
    });
    expect(run.invokes.map((i) => i.token)).toContain("aws:index/getRegion:getRegion");
  });

  it("with storage:aws.accountId, checks the account the provider reaches", async () => {
    const opts = () => ({ provider: new aws.Provider("shared", { region: "eu-central-1" }) });
    const run = await runMocked(build(opts, { region: "eu-central-1", accountId: ACCOUNT }));
    expect(run.invokes.map((i) => i.token).sort()).toEqual([
      "aws:index/getCallerIdentity:getCallerIdentity",
      "aws:index/getRegion:getRegion",
    ]);
    expect(componentOwn(run.resources).some((r) => r.type === "aws:s3/bucket:Bucket")).toBe(true);
  });

  const wrong: Array<[string, string, Settings, RegExp]> = [
    [
      "another region",
      "us-east-1",
      { region: "eu-central-1" },
      /deploys to region us-east-1, storage:aws\.region is eu-central-1/,
    ],
    [
      "another account",
      "eu-central-1",
      { region: "eu-central-1", accountId: "210987654321" },
      new RegExp(`reaches account ${ACCOUNT}, storage:aws\\.accountId is 210987654321`),
    ],
  ];

  it.each(wrong)("for %s makes nothing and fails naming both values", async (_, region, settings, message) => {
    let run: Awaited<ReturnType<typeof runMocked<AwsBucket>>> | undefined;
    const reasons = await rejectionsDuring(async () => {
      run = await runMocked(build(() => ({ provider: new aws.Provider("shared", { region }) }), settings));
    });
    // Every registration that waited for the check fails with its message (wrapped by the SDK).
    expect(reasons.length).toBeGreaterThan(0);
    for (const m of reasons) expect(m).toMatch(message);
    expect(reasons[0]).toContain('AwsBucket "docs": the aws provider from its resource options ');
    expect(componentOwn(run!.resources).map((r) => r.type)).toEqual([COMPONENT]);
  });
});

describe("givenProviderProblems", () => {
  const settings = AwsSettings.parse({ region: "eu-central-1", accountId: ACCOUNT });

  it("accepts the configured region and account", () => {
    expect(givenProviderProblems(settings, "eu-central-1", ACCOUNT)).toEqual([]);
    expect(givenProviderProblems(AwsSettings.parse({ region: "eu-central-1" }), "eu-central-1")).toEqual([]);
  });

  it("names a region the provider does not have and an account it does not reach", () => {
    expect(givenProviderProblems(settings, undefined, "210987654321")).toEqual([
      "deploys to region (none), storage:aws.region is eu-central-1",
      `reaches account 210987654321, storage:aws.accountId is ${ACCOUNT}`,
    ]);
  });
});
