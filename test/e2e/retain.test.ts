/**
 * The retain rule through the real engine on the local MinIO: a bucket that says nothing about
 * retention survives `pulumi destroy` (the engine refuses: protected), and the same stack with
 * `retain: false` destroys cleanly, bucket included. Options only: no provider call differs.
 */
import type * as auto from "@pulumi/pulumi/automation";
import { HeadBucketCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { physicalBucketName } from "../../components/naming";
import { openStack } from "../../scripts/lib/workspace";
import { program } from "../../stacks/program";
import { localMinio } from "../helpers/local-minio";

const { settings, s3, project } = localMinio();
const name = `retain${Date.now().toString(36)}`;
const bucketName = physicalBucketName(project, name, "kept");
let stack: auto.Stack;

const open = async (bucket: Record<string, unknown>) => {
  stack = await openStack({
    stack: name,
    program: async () => program(),
    config: { "storage:minio": settings, "storage:buckets": { kept: { provider: "minio", ...bucket } } },
  });
};

async function bucketExists(): Promise<boolean> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucketName }));
    return true;
  } catch (e) {
    if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw e;
  }
}

beforeAll(async () => {
  await open({});
  await stack.up({ color: "never" });
}, 120_000);

afterAll(async () => {
  // Whatever happened above: make the bucket destroyable, then destroy and forget the stack.
  await open({ retain: false }).catch(() => undefined);
  await stack?.up({ color: "never" }).catch(() => undefined);
  await stack?.destroy({ color: "never" }).catch(() => undefined);
  await stack?.workspace.removeStack(name).catch(() => undefined);
}, 120_000);

describe("retain on the real engine", () => {
  it("a bucket that says nothing is retained: destroy refuses and the bucket stays", async () => {
    expect(await bucketExists()).toBe(true);
    const urns = async (): Promise<string[]> =>
      ((await stack.exportStack()).deployment.resources ?? []).map((r: { urn: string }) => r.urn).sort();
    const before = await urns();
    let out = "";
    await expect(stack.destroy({ color: "never", onOutput: (s) => (out += s) })).rejects.toThrow();
    expect(out).toMatch(/protected/i);
    expect(await bucketExists()).toBe(true);
    // The engine deletes dependents before it reaches the protected bucket: the key's user and
    // policy and the stack's CORS origins may go (credentials are not data); the bucket, whose
    // settings MinIO keeps on the bucket itself, stays in the state.
    const after = await urns();
    const gone = before.filter((u) => !after.includes(u));
    const mayGo = /secure-storage:minio:(User|Policy|ServerCors)::|pulumi:pulumi:StackReference::|pulumi:providers:pulumi::/;
    expect(gone.filter((u) => !mayGo.test(u))).toEqual([]);
    // The component and its bucket.
    expect(after.filter((u) => u.endsWith("::secure-storage:minio:PrivateBucket::kept"))).toHaveLength(1);
    expect(after.filter((u) => u.endsWith("$secure-storage:minio:Bucket::kept"))).toHaveLength(1);
  }, 120_000);

  it("with retain: false the same stack destroys cleanly, bucket included", async () => {
    await open({ retain: false });
    await stack.up({ color: "never" });
    await stack.destroy({ color: "never" });
    expect(await bucketExists()).toBe(false);
  }, 120_000);
});
