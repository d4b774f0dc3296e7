import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { KeyContract } from "../../components/contract";
import { parseStorageSpec } from "../../components/spec";
import { rotate, type RotationTarget } from "../../scripts/lib/rotation";
import { generationProblems, rotationStep } from "../../stacks/generations";

const cred = (generation: number) => ({ id: `id${generation}`, secret: "s", generation });
const deployed = (g: number, prev?: number): KeyContract => ({ kind: "static", access: ["read"], prefixes: [], current: cred(g), ...(prev ? { previous: cred(prev) } : {}) });
const k = (generation: number, retirePrevious = false) => ({ access: ["read" as const], prefixes: [], generation, retirePrevious });

describe("rotation steps are derived from config and the deployed contract", () => {
  it.each([
    [k(1), deployed(1), "idle"],
    [k(2), deployed(1), "bumped"],
    [k(2), deployed(2, 1), "both-alive"],
    [k(2, true), deployed(2, 1), "retiring"],
    [k(2, true), deployed(2), "idle"],
    [k(1), undefined, "bumped"],
  ] as const)("config %j, deployed %j -> %s", (cfg, dep, step) => {
    expect(rotationStep("b", "k", cfg, dep)).toBe(step);
  });

  it("refuses a lowered or skipped generation, naming the config path", () => {
    expect(() => rotationStep("b", "k", k(1), deployed(2, 1))).toThrow("storage:buckets.b.keys.k.generation: 1 is lower than the deployed generation 2");
    expect(() => rotationStep("b", "k", k(4), deployed(2))).toThrow(/storage:buckets\.b\.keys\.k\.generation: 4 skips ahead/);
  });

  it("refuses retirePrevious in the update that bumps: the live credential would go with no overlap", () => {
    expect(() => rotationStep("b", "k", k(3, true), deployed(2))).toThrow(/^storage:buckets\.b\.keys\.k\.retirePrevious: true in the update that creates g3 would delete g2/);
    expect(() => rotationStep("b", "k", k(3, true), deployed(2, 1))).toThrow(/retirePrevious/);
  });

  it("role and identity keys have no generations to guard: any generation passes", () => {
    const role: KeyContract = { kind: "role", access: ["read"], prefixes: [], roleArn: "arn:aws:iam::1:role/r", maxSessionSeconds: 3600 };
    const identity: KeyContract = { kind: "identity", access: ["read"], prefixes: [], principalId: "p", userDelegationSas: false };
    expect(rotationStep("b", "k", k(7), role)).toBe("idle");
    expect(rotationStep("b", "k", k(1, true), identity)).toBe("idle");
  });

  it("generationProblems collects them across the spec", () => {
    const spec = parseStorageSpec({ buckets: { bb: { provider: "minio", keys: { kk: { access: ["read"], generation: 1 }, jj: { access: ["read"], generation: 5 } } } } });
    const problems = generationProblems(spec, {
      buckets: { bb: { provider: "minio", bucket: "bb", endpoint: "e", presign: { uploadSeconds: 1, downloadSeconds: 1 }, cors: [], keys: { kk: deployed(2), jj: deployed(5) } } },
    });
    expect(problems).toEqual(["storage:buckets.bb.keys.kk.generation: 1 is lower than the deployed generation 2; generations only go up"]);
  });
});

describe("stack file edits", () => {
  it("change one field and keep comments and layout", async () => {
    const ws = await import("../../scripts/lib/workspace");
    const { editKeyInStackFile } = await import("../../scripts/lib/stack-file");
    const name = `unit-${process.pid}`;
    const file = path.join(ws.ROOT, `Pulumi.${name}.yaml`);
    fs.writeFileSync(
      file,
      "config:\n  storage:buckets:\n    b:\n      provider: minio\n      keys:\n        # the app key\n        app: {access: [read], generation: 1, retirePrevious: true}\nencryptionsalt: v1:x\n",
    );
    try {
      editKeyInStackFile(name, "b", "app", { generation: 2, retirePrevious: undefined });
      // Pulumi's own layout, so a later `pulumi up` rewriting the file changes nothing; the salt stays.
      expect(fs.readFileSync(file, "utf8")).toContain("# the app key\n        app: {access: [read], generation: 2}\nencryptionsalt: v1:x\n");
      expect(() => editKeyInStackFile(name, "b", "nope", { generation: 2 })).toThrow("storage:buckets.b.keys.nope: not in Pulumi.");
    } finally {
      fs.rmSync(file);
    }
  });
});

describe("npm run rotate on keys without a static credential", () => {
  const bucketOf = (key: KeyContract) => ({
    buckets: { b: { provider: "aws" as const, bucket: "b", endpoint: "e", presign: { uploadSeconds: 1, downloadSeconds: 1 }, cors: [], keys: { k: key } } },
  });
  const target = (key: KeyContract): RotationTarget => ({
    stack: "t",
    keySpec: () => k(1),
    updateKey: async () => expect.unreachable("nothing may change"),
    contract: async () => bucketOf(key),
    up: async () => expect.unreachable("nothing may deploy"),
    verify: async () => [],
  });

  const cases: Array<[KeyContract, RegExp]> = [
    [{ kind: "role", access: ["read"], prefixes: [], roleArn: "arn:aws:iam::1:role/r", maxSessionSeconds: 3600 }, /a role key has no static credential to rotate/],
    [{ kind: "identity", access: ["read"], prefixes: [], principalId: "p", userDelegationSas: false }, /an identity key has no static credential/],
  ];
  it.each(cases)("%j is refused with the config path and changes nothing", async (key, message) => {
    await expect(rotate(target(key), "b", "k", { yes: true, log: () => undefined })).rejects.toThrow(message);
    await expect(rotate(target(key), "b", "k", { yes: true, log: () => undefined })).rejects.toThrow(/^storage:buckets\.b\.keys\.k: /);
  });
});
