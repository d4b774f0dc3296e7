/**
 * The two-slot HMAC rule on GCS, as a sequence of program runs under mocks. Each run registers a
 * bucket under its own component name; resources are compared by name relative to the component,
 * the way Pulumi compares URNs between two updates of one stack.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parseStorageSpec, type BucketInput } from "../../components/spec";
import { GcpSettings, GcsBucketOptions, type GcsBucketOptionsInput } from "../../components/gcp/settings";
import { installGcpMocks, of, settle, T, unwrap } from "./gcp-mocks";
import { asStaticKey } from "../../components/contract";

beforeAll(installGcpMocks);

type Snapshot = Map<string, { type: string; inputs: Record<string, unknown> }>;
let runs = 0;

/** One `pulumi up` of the bucket `inv`: returns its resources keyed by relative name, and the contract. */
async function run(bucket: Omit<BucketInput, "provider">, options: GcsBucketOptionsInput = {}) {
  const { GcsBucket } = await import("../../components/gcp");
  const component = `run${++runs}x`;
  const spec = parseStorageSpec({ buckets: { inv: { provider: "gcp", ...bucket } } }).buckets.inv;
  const c = new GcsBucket(component, {
    bucketName: "inv-unit-0a1b2c",
    spec,
    settings: GcpSettings.parse({ project: "acme-storage", location: "EU" }),
    options: GcsBucketOptions.parse(options),
    stack: "unit",
  });
  await unwrap(c.contract.bucket);
  await settle();
  const snap: Snapshot = new Map();
  for (const r of of(component)) {
    if (r.type === T.component) continue;
    // The `bucket` label is the logical name, the same in every real run; here it is the per-run component name.
    const inputs = r.type === T.bucket ? { ...r.inputs, labels: { ...(r.inputs.labels as object), bucket: "inv" } } : r.inputs;
    snap.set(r.name.slice(component.length), { type: r.type, inputs });
  }
  return { snap, contract: c.contract };
}

/** What Pulumi would do going from one run to the next (same relative name = same URN). */
function plan(prev: Snapshot, next: Snapshot, type?: string) {
  const keep = (s: Snapshot) => [...s].filter(([, v]) => !type || v.type === type);
  const p = new Map(keep(prev));
  const n = new Map(keep(next));
  return {
    create: [...n.keys()].filter((k) => !p.has(k)).sort(),
    delete: [...p.keys()].filter((k) => !n.has(k)).sort(),
    update: [...n.keys()].filter((k) => p.has(k) && JSON.stringify(p.get(k)!.inputs) !== JSON.stringify(n.get(k)!.inputs)).sort(),
  };
}

const hmacState = (s: Snapshot) => Object.fromEntries([...s].filter(([, v]) => v.type === T.hmac).map(([k, v]) => [k, v.inputs.state]));
const key = (generation: number, extra: Record<string, unknown> = {}) => ({
  keys: { app: { access: ["read", "write"] as ("read" | "write")[], prefixes: ["invoices/"], generation, ...extra } },
});

describe("GCS HMAC rotation (two slots)", () => {
  it("bump: creates generation 2 next to generation 1 (create before delete), both in the contract", async () => {
    const g1 = await run(key(1));
    const g2 = await run(key(2));
    expect(hmacState(g1.snap)).toEqual({ "-app-g1": "ACTIVE" });
    expect(hmacState(g2.snap)).toEqual({ "-app-g1": "ACTIVE", "-app-g2": "ACTIVE" });
    // Only a create: the running generation is untouched while applications switch.
    expect(plan(g1.snap, g2.snap)).toEqual({ create: ["-app-g2"], delete: [], update: [] });
    const app = asStaticKey(g2.contract.keys!.app);
    expect(app.current.generation).toBe(2);
    expect(await unwrap(app.current.id)).toBe("GOOG1RUN2X-APP-G2");
    expect(app.previous!.generation).toBe(1);
    expect(await unwrap(app.previous!.id)).toBe("GOOG1RUN2X-APP-G1");
  });

  it("retirePrevious: deletes only generation 1 (the provider deactivates it first); generation 2 is untouched", async () => {
    const before = await run(key(2));
    const after = await run(key(2, { retirePrevious: true }));
    expect(plan(before.snap, after.snap)).toEqual({ create: [], delete: ["-app-g1"], update: [] });
    expect(asStaticKey(after.contract.keys!.app).previous).toBeUndefined();
  });

  it("the next bump after a retirement creates generation 3 and keeps 2 as previous", async () => {
    const before = await run(key(2, { retirePrevious: true }));
    const after = await run(key(3));
    expect(plan(before.snap, after.snap)).toEqual({ create: ["-app-g3"], delete: [], update: [] });
    expect(hmacState(after.snap)).toEqual({ "-app-g2": "ACTIVE", "-app-g3": "ACTIVE" });
  });

  it("a bump with retirePrevious in one step still creates before it deletes (deletes run last in an update)", async () => {
    const before = await run(key(1));
    const after = await run(key(2, { retirePrevious: true }));
    expect(plan(before.snap, after.snap, T.hmac)).toEqual({ create: ["-app-g2"], delete: ["-app-g1"], update: [] });
  });

  it("hmacRetire: deactivate keeps the retired key as INACTIVE (an update, not a delete) and out of the contract", async () => {
    const before = await run(key(2), { hmacRetire: "deactivate" });
    const after = await run(key(2, { retirePrevious: true }), { hmacRetire: "deactivate" });
    expect(plan(before.snap, after.snap)).toEqual({ create: [], delete: [], update: ["-app-g1"] });
    expect(hmacState(after.snap)).toEqual({ "-app-g1": "INACTIVE", "-app-g2": "ACTIVE" });
    expect(asStaticKey(after.contract.keys!.app).previous).toBeUndefined();
    // The next bump deletes the INACTIVE key and keeps generation 2 as previous.
    const next = await run(key(3), { hmacRetire: "deactivate" });
    expect(plan(after.snap, next.snap, T.hmac)).toEqual({ create: ["-app-g3"], delete: ["-app-g1"], update: [] });
  });

  it("unrelated changes (CORS, lifecycle, presign, options, prefixes) never touch the HMAC key or its service account identity", async () => {
    const before = await run(key(1));
    const after = await run(
      {
        cors: [{ origins: ["https://app.example.com"], methods: ["GET"] }],
        lifecycle: [{ abortIncompleteUploadDays: 1 }],
        presign: { uploadSeconds: 300, downloadSeconds: 600 },
        keys: { app: { access: ["read", "write"], prefixes: ["invoices/", "archive/"], generation: 1 } },
      },
      { softDeleteDays: 30 },
    );
    const p = plan(before.snap, after.snap);
    expect(p.delete).toEqual([]);
    expect(p.create.every((n) => n.startsWith("-app-objects-rw-"))).toBe(true); // the new prefix's binding only
    expect(p.update).toEqual(["", "-app"]); // the bucket, and the account's description (in place)
    expect(after.snap.get("-app")!.inputs.accountId).toBe(before.snap.get("-app")!.inputs.accountId);
    expect(after.snap.get("-app-g1")!.inputs).toEqual(before.snap.get("-app-g1")!.inputs);
  });
});
