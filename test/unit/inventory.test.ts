/** The inventory comparison on hand-made listings: what counts as this stack's, missing, orphaned. */
import { describe, expect, it } from "vitest";
import { accessKeyPrefix } from "../../components/minio/access-key";
import { physicalBucketName } from "../../components/naming";
import {
  compareInventory,
  isStackBucketName,
  isStackPolicyName,
  stateInventory,
  type Deployment,
} from "../../scripts/lib/inventory";

const project = "secure-storage";
const conn = { endpoint: "http://127.0.0.1:9000", region: "us-east-1" };
const ids = { project, stack: "dev", endpoint: conn.endpoint };
const clinic = physicalBucketName(project, "dev", "clinic");
const media = physicalBucketName(project, "dev", "media-files");

function deployment(): Deployment {
  const res = (type: string, id: string, outputs: Record<string, unknown>) => ({
    urn: `urn:pulumi:dev::${project}::x$secure-storage:minio:${type}::${id}`,
    type: `secure-storage:minio:${type}`,
    id,
    outputs: { conn, ...outputs },
  });
  return {
    resources: [
      res("Bucket", clinic, { bucket: clinic }),
      res("Policy", `${clinic}-backend`, { name: `${clinic}-backend` }),
      res("User", "BACKENDG1AAAA", { accessKey: "BACKENDG1AAAA", policyName: `${clinic}-backend` }),
    ],
  };
}

describe("inventory", () => {
  it("recognises exactly the names this project and stack produce", () => {
    expect(isStackBucketName(clinic, project, "dev")).toBe(true);
    expect(isStackBucketName(media, project, "dev")).toBe(true);
    expect(isStackBucketName(physicalBucketName(project, "dev-2", "clinic"), project, "dev")).toBe(false);
    expect(isStackBucketName(physicalBucketName("other", "dev", "clinic"), project, "dev")).toBe(false);
    expect(isStackBucketName(clinic.replace(/.$/, (c) => (c === "0" ? "1" : "0")), project, "dev")).toBe(false);
    expect(isStackPolicyName(`${media}-app-reader`, project, "dev")).toBe(true);
    expect(isStackPolicyName(`${physicalBucketName(project, "prod", "clinic")}-backend`, project, "dev")).toBe(false);
    expect(isStackPolicyName("readwrite", project, "dev")).toBe(false);
  });

  it("a server that matches the state is clean; other stacks' items are not this stack's orphans", () => {
    const other = physicalBucketName(project, "prod", "clinic");
    const r = compareInventory(stateInventory(deployment()), {
      buckets: [clinic, other],
      policies: [`${clinic}-backend`, `${other}-backend`, "readwrite"],
      users: [
        { accessKey: "BACKENDG1AAAA", policies: [`${clinic}-backend`], status: "enabled" },
        { accessKey: "BACKENDG1BBBB", policies: [`${other}-backend`], status: "enabled" },
      ],
    }, ids);
    expect([r.missing, r.orphans, r.pending]).toEqual([[], [], []]);
    expect(r.counts.server).toEqual({ bucket: 1, policy: 1, user: 1 });
  });

  it("lists what the state lacks and what the server lacks", () => {
    const r = compareInventory(stateInventory(deployment()), {
      buckets: [clinic, media],
      policies: [`${media}-app`],
      users: [
        { accessKey: "BACKENDG1AAAA", policies: [`${clinic}-backend`], status: "enabled" },
        { accessKey: "APPG1CCCC", policies: [`${media}-app`], status: "enabled" },
        { accessKey: "APPG1DDDD", policies: [], status: "enabled" },
      ],
    }, ids);
    expect(r.missing.map((i) => `${i.kind} ${i.name}`)).toEqual([`policy ${clinic}-backend`]);
    expect(r.orphans.map((i) => `${i.kind} ${i.name} (${i.detail})`)).toEqual([
      `bucket ${media} (named like this stack's buckets)`,
      `policy ${media}-app (named after this stack's bucket)`,
      `user APPG1CCCC (attached to ${media}-app)`,
      "user APPG1DDDD (no policy attached; not one of this stack's slots)",
    ]);
  });

  it("names the credential slot of a user left without a policy, from its access key prefix", () => {
    const slotKey = `${accessKeyPrefix("app", `${media}-app`, 2)}XXXXXXXX`;
    const live = {
      buckets: [clinic],
      policies: [`${clinic}-backend`, `${media}-app`],
      users: [
        { accessKey: "BACKENDG1AAAA", policies: [`${clinic}-backend`], status: "enabled" },
        { accessKey: slotKey, policies: [], status: "enabled" },
      ],
    };
    const d = deployment();
    d.resources![2].outputs!.generation = 1;
    const r = compareInventory(stateInventory(d), live, ids);
    expect(r.orphans.map((i) => `${i.kind} ${i.name} (${i.detail})`)).toEqual([
      `policy ${media}-app (named after this stack's bucket)`,
      `user ${slotKey} (no policy attached; access key of slot ${media}-app g2)`,
    ]);
  });

  it("reports operations an interrupted update left pending, by the name their inputs give", () => {
    const d = deployment();
    const type = "secure-storage:minio:Bucket";
    const resource = { urn: "urn:x::media", type, inputs: { conn, bucket: media } };
    d.pending_operations = [{ type: "creating", resource }];
    const live = { buckets: [clinic, media], policies: [`${clinic}-backend`], users: [] };
    const r = compareInventory(stateInventory(d), live, ids);
    expect(r.pending).toEqual([{ kind: "bucket", name: media, detail: "pending creating: media" }]);
    expect(r.missing.map((i) => i.name)).toEqual(["BACKENDG1AAAA"]);
  });

  it("counts no component, under its own token or under the bucket's (state from before the rename)", () => {
    const d = deployment();
    const component = (type: string, logical: string, bucket: string) => ({
      urn: `urn:pulumi:dev::${project}::${type}::${logical}`,
      type,
      custom: false,
      outputs: { bucketName: bucket, contract: { provider: "minio", bucket, endpoint: conn.endpoint } },
    });
    d.resources!.push(
      component("secure-storage:minio:PrivateBucket", "clinic", clinic),
      component("secure-storage:minio:Bucket", "media-files", media),
    );
    const state = stateInventory(d);
    expect([...state.buckets.keys()]).toEqual([clinic]);
    expect(state.elsewhere).toBe(0);
  });

  it("compares only the state's resources on the endpoint asked for", () => {
    const state = stateInventory(deployment(), "http://127.0.0.1:9100");
    expect([state.buckets.size, state.elsewhere]).toEqual([0, 3]);
  });

  describe("key resources (a policy and a user each, minio:Key)", () => {
    const key = (generation: number, accessKey: string) => ({
      urn: `urn:pulumi:dev::${project}::x$secure-storage:minio:Key::media-files-app-g${generation}`,
      type: "secure-storage:minio:Key",
      id: accessKey,
      outputs: { conn, slot: `${media}-app`, generation, label: "app", policyName: `${media}-app-g${generation}`, accessKey },
    });
    const keyState = (): Deployment => ({
      resources: [
        { urn: "urn:x::b", type: "secure-storage:minio:Bucket", id: media, outputs: { conn, bucket: media } },
        key(1, "APPG1AAAA"),
        key(2, "APPG2BBBB"),
      ],
    });

    it("count as both items, each generation with a policy of its own", () => {
      const r = compareInventory(stateInventory(keyState()), {
        buckets: [media],
        policies: [`${media}-app-g1`, `${media}-app-g2`],
        users: [
          { accessKey: "APPG1AAAA", policies: [`${media}-app-g1`], status: "enabled" },
          { accessKey: "APPG2BBBB", policies: [`${media}-app-g2`], status: "enabled" },
        ],
      }, ids);
      expect([r.missing, r.orphans, r.pending]).toEqual([[], [], []]);
      expect(r.counts.state).toEqual({ bucket: 1, policy: 2, user: 2 });
    });

    it("name the policy from the slot, not from a drifted mapping; a deleted policy is missing", () => {
      const d = keyState();
      d.resources![1].outputs!.policyName = `${media}-app-g1,consoleAdmin`;
      const r = compareInventory(stateInventory(d), {
        buckets: [media],
        policies: [`${media}-app-g2`],
        users: [
          { accessKey: "APPG1AAAA", policies: [`${media}-app-g1`, "consoleAdmin"], status: "enabled" },
          { accessKey: "APPG2BBBB", policies: [`${media}-app-g2`], status: "enabled" },
        ],
      }, ids);
      expect(r.missing.map((i) => `${i.kind} ${i.name}`)).toEqual([`policy ${media}-app-g1`]);
      expect(r.orphans).toEqual([]);
    });

    it("find what an interrupted create of the next generation left: its policy, and its user by slot prefix", () => {
      const orphanUser = `${accessKeyPrefix("app", `${media}-app`, 3)}XXXXXXXX`;
      const r = compareInventory(stateInventory(keyState()), {
        buckets: [media],
        policies: [`${media}-app-g1`, `${media}-app-g2`, `${media}-app-g3`],
        users: [
          { accessKey: "APPG1AAAA", policies: [`${media}-app-g1`], status: "enabled" },
          { accessKey: "APPG2BBBB", policies: [`${media}-app-g2`], status: "enabled" },
          { accessKey: orphanUser, policies: [], status: "enabled" },
        ],
      }, ids);
      expect(r.orphans.map((i) => `${i.kind} ${i.name} (${i.detail})`)).toEqual([
        `policy ${media}-app-g3 (named after this stack's bucket)`,
        `user ${orphanUser} (no policy attached; access key of slot ${media}-app g3)`,
      ]);
    });

    it("recognise both policy namings as this stack's", () => {
      expect(isStackPolicyName(`${media}-app-g12`, project, "dev")).toBe(true);
      expect(isStackPolicyName(`${media}-app`, project, "dev")).toBe(true);
      expect(isStackPolicyName(`${physicalBucketName(project, "prod", "clinic")}-app-g1`, project, "dev")).toBe(false);
    });
  });
});
