import { describe, expect, it } from "vitest";
import { awsKeyPolicy, canonicalJson, s3KeyPolicy, type PolicyStatement } from "../../components/access";

const ARN = "arn:aws:s3:::clinic-dev-abc123";

const HISTORY = ["s3:BypassGovernanceRetention", "s3:DeleteObjectVersion", "s3:PutObjectLegalHold", "s3:PutObjectRetention"];

/** What every key gets whatever its access: the bucket location, and no history (issue 19). */
const EVERY_KEY: PolicyStatement[] = [
  { Sid: "BucketLocation", Effect: "Allow", Action: ["s3:GetBucketLocation"], Resource: [ARN] },
  {
    Sid: "DenyObjectHistory",
    Effect: "Deny",
    Action: HISTORY,
    Resource: [`${ARN}/*`],
  },
  {
    Sid: "DenyBucketHistory",
    Effect: "Deny",
    Action: ["s3:ListBucketVersions", "s3:PutBucketVersioning"],
    Resource: [ARN],
  },
  {
    Sid: "DenyReadsByVersionId",
    Effect: "Deny",
    Action: ["s3:GetObject"],
    Resource: [`${ARN}/*`],
    Condition: { StringLike: { "s3:versionid": ["?*"] } },
  },
];

describe("s3KeyPolicy", () => {
  it("scopes every object action to the prefixes and conditions listing on them", () => {
    expect(s3KeyPolicy(ARN, { access: ["read", "write", "delete", "list"], prefixes: ["workspaces/"] })).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "ReadObjects", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${ARN}/workspaces/*`] },
        {
          Sid: "WriteObjects",
          Effect: "Allow",
          Action: ["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:PutObject"],
          Resource: [`${ARN}/workspaces/*`],
        },
        { Sid: "DeleteObjects", Effect: "Allow", Action: ["s3:DeleteObject"], Resource: [`${ARN}/workspaces/*`] },
        { Sid: "ListObjects", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [ARN], Condition: { StringLike: { "s3:prefix": ["workspaces/*"] } } },
        ...EVERY_KEY,
      ],
    });
  });

  it("grants only what is asked: a write-only key cannot read, list or delete", () => {
    const doc = s3KeyPolicy(ARN, { access: ["write"], prefixes: ["recordings/", "imports/"] });
    expect(doc.Statement.map((s) => s.Sid)).toEqual(["WriteObjects", ...EVERY_KEY.map((s) => s.Sid)]);
    expect(doc.Statement[0].Resource).toEqual([`${ARN}/imports/*`, `${ARN}/recordings/*`]);
  });

  it("every key, whatever its access, gets the bucket location and the history denies", () => {
    for (const access of [["read"], ["write"], ["list"], ["delete"], ["read", "write", "list", "delete"]] as const) {
      for (const prefixes of [[], ["a/"]]) {
        expect(s3KeyPolicy(ARN, { access: [...access], prefixes }).Statement.slice(-EVERY_KEY.length)).toEqual(EVERY_KEY);
      }
    }
  });

  it("Allow statements never reach history: no version, retention, legal-hold or versioning action is allowed", () => {
    const doc = awsKeyPolicy(ARN, { access: ["read", "write", "list", "delete"], prefixes: [] });
    const allowed = doc.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => s.Action);
    expect(allowed.filter((a) => /Version|Retention|LegalHold|Lifecycle|ObjectLock/.test(a))).toEqual([]);
  });

  it("AWS also denies s3:GetObjectVersion, which MinIO cannot carry (it reads it as s3:GetObject)", () => {
    const grant = { access: ["read" as const], prefixes: ["a/"] };
    const shared = s3KeyPolicy(ARN, grant).Statement;
    expect(awsKeyPolicy(ARN, grant).Statement).toEqual(
      shared.map((st) =>
        st.Sid === "DenyObjectHistory"
          ? { ...st, Action: [...HISTORY, "s3:GetObjectVersion"].sort() }
          : st,
      ),
    );
    expect(shared.flatMap((s) => s.Action)).not.toContain("s3:GetObjectVersion");
  });

  it("never emits a * action or a * resource", () => {
    for (const prefixes of [[], ["a/"], ["a/", "b/c/"]]) {
      const doc = awsKeyPolicy(ARN, { access: ["read", "write", "list", "delete"], prefixes });
      for (const st of doc.Statement) {
        expect(st.Action.every((a) => a.startsWith("s3:") && !a.includes("*"))).toBe(true);
        expect(st.Resource.every((r) => r.startsWith(ARN) && r !== "*" && r !== "arn:aws:s3:::*")).toBe(true);
      }
    }
  });

  it("refuses anything but a single-bucket ARN", () => {
    expect(() => s3KeyPolicy("arn:aws:s3:::*", { access: ["read"], prefixes: [] })).toThrow(/single-bucket ARN/);
  });

  it("canonical JSON is independent of key order", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: 3 } })).toBe('{"a":{"c":3,"d":[2,{"e":0,"f":1}]},"b":1}');
  });
});

describe("MinIO policy comparison on refresh", () => {
  it("treats reordered actions, keys and collapsed arrays as the same policy, and a real change as different", async () => {
    const { samePolicy } = await import("../../components/minio/policy-form");
    const ours = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "W", Effect: "Allow", Action: ["s3:A", "s3:B"], Resource: ["r"] }] });
    const theirs = JSON.stringify({ Statement: [{ Resource: "r", Action: ["s3:B", "s3:A"], Effect: "Allow", Sid: "W" }], Version: "2012-10-17" });
    expect(samePolicy(ours, theirs)).toBe(true);
    expect(samePolicy(ours, theirs.replace("s3:B", "s3:C"))).toBe(false);
  });
});
