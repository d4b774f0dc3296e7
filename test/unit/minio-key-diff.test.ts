/**
 * The MinIO key resource's diff (components/minio/key-impl.ts): what replaces a credential, what
 * updates it in place, and how a user moved here from the former policy + user pair is taken over.
 */
import { describe, expect, it } from "vitest";
import { documentSha256, keyPolicyName, keyProvider } from "../../components/minio/key-impl";

const conn = { endpoint: "http://127.0.0.1:9000", region: "us-east-1" };
const doc = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::b/p/*"] }] });
const news = { conn, slot: "b-app", generation: 1, label: "app", document: doc };
/** What create records for `news`. */
const outs = { conn, slot: "b-app", generation: 1, label: "app", policyName: "b-app-g1", documentSha256: documentSha256(doc), accessKey: "AK", secretKey: "SK" };

describe("the MinIO key diff", () => {
  it("sees no change when the state matches the inputs", async () => {
    expect(await keyProvider.diff("AK", outs, news)).toMatchObject({ changes: false, replaces: [] });
  });

  it("updates in place (same credential) when the document changes", async () => {
    const wider = doc.replace("b/p/*", "b/*");
    expect(await keyProvider.diff("AK", outs, { ...news, document: wider })).toMatchObject({ changes: true, replaces: [] });
  });

  it("ignores how MinIO reorders a policy (the hash is of its normal form)", () => {
    const reordered = JSON.stringify({ Statement: [{ Resource: "arn:aws:s3:::b/p/*", Action: "s3:GetObject", Effect: "Allow" }], Version: "2012-10-17" });
    expect(documentSha256(reordered)).toBe(documentSha256(doc));
  });

  it.each([
    ["a widened mapping", { policyName: "b-app-g1,consoleAdmin" }],
    ["a group", { groups: ["admins"] }],
    ["a changed policy", { documentSha256: "0".repeat(64) }],
    ["a deleted policy", { documentSha256: "" }],
  ])("updates in place after drift: %s", async (_what, drift) => {
    expect(await keyProvider.diff("AK", { ...outs, ...drift }, news)).toMatchObject({ changes: true, replaces: [] });
  });

  it.each([
    ["generation", { generation: 2 }],
    ["conn", { conn: { ...conn, endpoint: "http://127.0.0.1:9001" } }],
    ["slot", { slot: "c-app" }],
  ])("replaces, create before delete, on a new %s", async (key, change) => {
    expect(await keyProvider.diff("AK", outs, { ...news, ...change })).toMatchObject({ changes: true, replaces: [key], deleteBeforeReplace: false });
  });

  it("takes over a user of the former pair (no slot; its policy was the slot) in place, never replacing it", async () => {
    const formerUser = { conn, policyName: "b-app", generation: 1, label: "app", accessKey: "AK", secretKey: "SK" };
    expect(await keyProvider.diff("AK", formerUser, news)).toMatchObject({ changes: true, replaces: [] });
  });

  it("names each generation's policy after its slot", () => {
    expect(keyPolicyName("b-app", 2)).toBe("b-app-g2");
  });
});
