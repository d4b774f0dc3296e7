/**
 * The MinIO key resource's diff (components/minio/key-impl.ts): what replaces a credential, what
 * updates it in place, and how a user moved here from the former policy + user pair is taken over.
 */
import { describe, expect, it } from "vitest";
import { documentSha256, keyPolicyName, keyProvider } from "../../components/minio/key-impl";

const conn = { endpoint: "http://127.0.0.1:9000", region: "us-east-1" };
const doc = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::b/p/*"] }],
});
const news = { conn, slot: "b-app", generation: 1, label: "app", document: doc };
/** What create records for `news`. */
const outs = {
  ...{ conn, slot: "b-app", generation: 1, label: "app", policyName: "b-app-g1" },
  ...{ documentSha256: documentSha256(doc), accessKey: "AK", secretKey: "SK" },
};

describe("the MinIO key diff", () => {
  it("sees no change when the state matches the inputs", async () => {
    expect(await keyProvider.diff("AK", outs, news)).toMatchObject({ changes: false, replaces: [] });
  });

  it("updates in place (same credential) when the document changes", async () => {
    const wider = doc.replace("b/p/*", "b/*");
    const d = await keyProvider.diff("AK", outs, { ...news, document: wider });
    expect(d).toMatchObject({ changes: true, replaces: [] });
  });

  it("ignores how MinIO reorders a policy (the hash is of its normal form)", () => {
    const statement = { Resource: "arn:aws:s3:::b/p/*", Action: "s3:GetObject", Effect: "Allow" };
    const reordered = JSON.stringify({ Statement: [statement], Version: "2012-10-17" });
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
    ["slot", { slot: "c-app" }],
  ])("replaces, create before delete, on a new %s", async (key, change) => {
    const d = await keyProvider.diff("AK", outs, { ...news, ...change });
    expect(d).toMatchObject({ changes: true, replaces: [key], deleteBeforeReplace: false });
  });

  it("replaces, delete first, a key whose user a refresh found deleted (the credential is dead already)", async () => {
    const d = await keyProvider.diff("AK", { ...outs, userMissing: true }, news);
    expect(d).toMatchObject({ changes: true, replaces: ["accessKey"], deleteBeforeReplace: true });
  });

  // A replacement on the same server would remove the live old user as an orphan of its slot.
  it.each([
    ["endpoint (http to https)", { ...conn, endpoint: "https://127.0.0.1:9000" }],
    ["region", { ...conn, region: "eu-west-1" }],
    ["CA bundle", { ...conn, caBundle: "-----BEGIN CERTIFICATE-----" }],
  ])("updates in place, never replacing, on a new connection %s", async (_what, c) => {
    expect(await keyProvider.diff("AK", outs, { ...news, conn: c })).toMatchObject({ changes: true, replaces: [] });
  });

  const formerUser = { conn, policyName: "b-app", generation: 1, label: "app", accessKey: "AK", secretKey: "SK" };
  it.each([
    ["as deployed", "b-app"],
    ["with consoleAdmin next to its policy", "b-app,consoleAdmin"],
    ["with its policy detached", ""],
  ])("takes over a user of the former pair (no slot) %s in place, never replacing it", async (_what, policyName) => {
    const d = await keyProvider.diff("AK", { ...formerUser, policyName }, news);
    expect(d).toMatchObject({ changes: true, replaces: [] });
  });

  it("names each generation's policy after its slot", () => {
    expect(keyPolicyName("b-app", 2)).toBe("b-app-g2");
  });
});
