/**
 * The two-slot rule for SAS keys: each generation is its own stored access policy resource, so a
 * bump creates the new policy before the old one is deleted, and an unrelated change leaves the
 * current slot (and its token) alone.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { storedAccessPolicyProvider as provider } from "../../components/azure/stored-access-policy-impl";
import type { KeySpec } from "../../components/spec";
import { build, installAzureMocks, ofType, plainInputs, unwrap } from "./azure-mocks";
import { asStaticKey } from "../../components/contract";

beforeAll(() => installAzureMocks());

const SAP = "secure-storage:azure:StoredAccessPolicy";
let n = 0;

/** The stored-policy slots one program run registers for key "app" at the given spec. */
async function slots(key: Partial<KeySpec> & { generation: number }, extra: Record<string, unknown> = {}) {
  const name = `rot${++n}`;
  const { resources, component } = await build(name, { ...extra, keys: { app: { access: ["read", "write"], ...key } } });
  const policies = ofType(resources, SAP).map((r) => ({ slot: r.name.replace(`${name}-`, ""), inputs: plainInputs(r.inputs) }));
  const k = asStaticKey(component.contract.keys.app);
  return {
    names: policies.map((p) => p.slot).sort(),
    policies,
    current: await unwrap(k.current.id),
    previous: k.previous ? await unwrap(k.previous.id) : undefined,
  };
}

describe("SAS key rotation (two slots)", () => {
  it("g1 has one slot; a bump keeps the previous generation; the next bump drops the oldest; retirePrevious drops it early", async () => {
    expect(await slots({ generation: 1 })).toMatchObject({ names: ["app-g1"], current: "app-g1", previous: undefined });
    expect(await slots({ generation: 2 })).toMatchObject({ names: ["app-g1", "app-g2"], current: "app-g2", previous: "app-g1" });
    expect(await slots({ generation: 3 })).toMatchObject({ names: ["app-g2", "app-g3"], current: "app-g3", previous: "app-g2" });
    expect(await slots({ generation: 3, retirePrevious: true })).toMatchObject({ names: ["app-g3"], current: "app-g3", previous: undefined });
  });

  it("each generation slot has its own policy id, so a bump never touches the live token", async () => {
    const before = await slots({ generation: 2 });
    const after = await slots({ generation: 3 });
    const g2Before = before.policies.find((p) => p.slot === "app-g2")!.inputs;
    const g2After = after.policies.find((p) => p.slot === "app-g2")!.inputs;
    // Same resource name (URN) and inputs: g2 is untouched while g3 is created and g1 deleted.
    const { containerName: _a, accountName: _b, serviceUrl: _c, accountId: _g, ...g2b } = g2Before;
    const { containerName: _d, accountName: _e, serviceUrl: _f, accountId: _h, ...g2a } = g2After;
    expect(g2a).toEqual(g2b);
    expect(g2After.policyId).toBe("app-g2");
  });

  it("the provider replaces a slot only for a new identity, create-before-delete; an unrelated change is a no-op", async () => {
    const base = {
      serviceUrl: "https://acct.blob.core.windows.net",
      accountName: "acct",
      containerName: "c1",
      policyId: "app-g2",
      permissions: "rcw",
      validitySeconds: 2_592_000,
    };
    const olds = { ...base, expiresOn: "2030-01-01T00:00:00.000Z", sasToken: "sv=x&si=app-g2&sr=c&sig=s" };
    // Spec changes that do not touch the key (CORS, lifecycle, another key) reach the slot as identical inputs.
    expect(await provider.diff("app-g2", olds, { ...base })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(await provider.diff("app-g2", olds, { ...base, permissions: "r" })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    // State from before the key was looked up at run time holds it: an in-place update drops it.
    expect(await provider.diff("app-g2", { ...olds, accountKey: "k" }, { ...base })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(await provider.diff("app-g2", olds, { ...base, containerName: "c2" })).toEqual({ changes: true, replaces: ["containerName"], deleteBeforeReplace: false });
  });

  it("an unrelated bucket change leaves the slots' inputs identical", async () => {
    const plain = await slots({ generation: 2 });
    const withCors = await slots({ generation: 2 }, { cors: [{ origins: ["https://app.example.com"], methods: ["GET"] }], lifecycle: [{ expireDays: 30 }] });
    const strip = (p: typeof plain) => p.policies.map((x) => ({ slot: x.slot, policyId: x.inputs.policyId, permissions: x.inputs.permissions, validitySeconds: x.inputs.validitySeconds }));
    expect(strip(withCors)).toEqual(strip(plain));
  });
});
