/**
 * provider/server.ts over stand-in implementations: what the implementations see (plain values,
 * never the dynamic provider's __provider), what the engine gets back (secrets wrapped), the
 * migration of dynamic-provider state (one update that touches nothing remote) and one-line errors.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import type { ProviderImpl } from "../../components/dynamic";
import { LEGACY_PROVIDER_KEY, makeProvider } from "../../provider/server";

const ROOT = path.resolve(__dirname, "../..");

const SIG = "4dabf18193072939515e22adb298388d";
const secret = (value: unknown) => ({ [SIG]: "1b47061264138c4ac30d75fd1eb44270", value });
const urn = (type: string) => `urn:pulumi:dev::secure-storage::secure-storage:minio:Bucket$${type}::x`;
const USER = urn("secure-storage:minio:User");
const BUCKET = urn("secure-storage:minio:Bucket");

function fake(overrides: Partial<ProviderImpl> = {}): ProviderImpl {
  return {
    diff: vi.fn(async () => ({ changes: false })),
    create: vi.fn(async (inputs) => ({ id: "id1", outs: { ...inputs, accessKey: "AK", secretKey: "SK" } })),
    update: vi.fn(async (_id, _olds, news) => ({ outs: news })),
    delete: vi.fn(async () => undefined),
    ...overrides,
  };
}

describe("the secure-storage provider server", () => {
  it("hands the implementation plain values and wraps secret outputs (the type's, and secret inputs')", async () => {
    const impl = fake();
    const p = makeProvider(() => impl);
    const r = await p.create!(USER, { policyName: "p", label: secret("hidden") });
    expect(impl.create).toHaveBeenCalledWith({ policyName: "p", label: "hidden" });
    expect(r.outs).toEqual({ policyName: "p", label: secret("hidden"), accessKey: "AK", secretKey: secret("SK") });
  });

  it("leaves outputs of a type without secret outputs plain", async () => {
    const p = makeProvider(() => fake());
    const r = await p.create!(BUCKET, { bucket: "b" });
    expect(r.outs).toEqual({ bucket: "b", accessKey: "AK", secretKey: "SK" });
  });

  it("state from the dynamic provider: a diff without real changes still updates once, remotely nothing", async () => {
    const impl = fake();
    const p = makeProvider(() => impl);
    const olds = { bucket: "b", [LEGACY_PROVIDER_KEY]: "exports.handler = ..." };
    expect((await p.diff!("id1", BUCKET, olds, { bucket: "b" })).changes).toBe(true);
    expect(impl.diff).toHaveBeenCalledWith("id1", { bucket: "b" }, { bucket: "b" });
    const u = await p.update!("id1", BUCKET, olds, { bucket: "b" });
    expect(u.outs).toEqual({ bucket: "b" });
    expect(impl.update).not.toHaveBeenCalled();
    expect((await p.diff!("id1", BUCKET, { bucket: "b" }, { bucket: "b" })).changes).toBe(false);
  });

  it("state from the dynamic provider with a real change: the implementation's update runs, without __provider", async () => {
    const impl = fake({ diff: vi.fn(async () => ({ changes: true })) });
    const p = makeProvider(() => impl);
    const olds = { bucket: "b", versioning: false, [LEGACY_PROVIDER_KEY]: "x" };
    await p.update!("id1", BUCKET, olds, { bucket: "b", versioning: true });
    expect(impl.update).toHaveBeenCalledWith("id1", { bucket: "b", versioning: false }, { bucket: "b", versioning: true });
  });

  it("an error is one line", async () => {
    const p = makeProvider(() => fake({ delete: async () => Promise.reject(new Error("MinIO said no\n  because\tof this")) }));
    const err = await p.delete!("id1", BUCKET, {}).then(() => undefined, (e: Error) => e);
    expect(err?.message).toBe("MinIO said no because of this");
    expect(err?.stack).toBe(err?.message);
  });

  it("the SDK server's own print of that error (`${e}: ${e.stack}` on stderr) is dropped, other lines are not", () => {
    // In a process of its own: the test runner captures this one's console.
    const script = `
      const { makeProvider } = require(${JSON.stringify(path.join(ROOT, "provider/server"))});
      const p = makeProvider(() => ({ diff: async () => { throw new Error("drift check failed"); } }));
      p.diff("id", ${JSON.stringify(BUCKET)}, {}, {}).catch((e) => {
        console.error(\`\${e}: \${e.stack}\`);
        console.error("a line of our own");
      });`;
    const r = spawnSync(path.join(ROOT, "node_modules/.bin/tsx"), ["-e", script], { encoding: "utf8" });
    expect(r.stderr).toContain("a line of our own");
    expect(r.stderr).not.toContain("drift check failed");
  });

  it("refuses a type it does not serve, in one line", async () => {
    const p = makeProvider(() => fake());
    await expect(p.create!(urn("secure-storage:minio:Nope"), {})).rejects.toThrow(
      /^secure-storage: unknown resource type secure-storage:minio:Nope$/,
    );
  });
});
