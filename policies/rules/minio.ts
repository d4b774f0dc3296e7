/**
 * MinIO through this project's dynamic resources (components/minio/resources.ts): the bucket's
 * inputs, canned policies (an IAM-language JSON document), users and the server-wide CORS list.
 * The same rules also read hand-written `@pulumi/minio` resources where they hold the same setting
 * (documents, SSE, versioning); what only that package has is in minio-package.ts.
 */
import { adminActions, bucketsReached, documentProblems, isAllow, publicGrants, wildcardGrants, type ParsedDocument } from "../iam";
import { mustBe, resourcePolicy, type StoragePolicy } from "../policy";
import { asBool, at, isUnknown, knownStrings, type Plain, type PlainObject } from "../props";
import { isAnyOrigin } from "../cors";
import { HISTORY_ADVISORY, HISTORY_RULE, MINIO, MINIO_PKG } from "./types";

/** Our dynamic Policy keeps its document in `document`; the package's resources in `policy`. */
const documentOf = (p: PlainObject, type: string): Plain => (MINIO.policy.includes(type as never) ? p.document : p.policy);
/** A service account without an inline policy inherits its user's: nothing to judge here. */
const missingDocument = (type: string) => (MINIO_PKG.iamPolicy[2] === type ? undefined : "policy has no document");
const hasKey = (v: Plain) => isUnknown(v) || (typeof v === "string" && v.trim() !== "");

/**
 * Statements that also list versions: test/e2e/history-minio.test.ts,
 * "an explicit Deny on s3:ListBucketVersions does not stop a key that has s3:ListBucket".
 */
const listsVersions = (doc: ParsedDocument) =>
  doc.statements.flatMap((st, i) =>
    isAllow(st) && knownStrings(st.Action).some((a) => a.toLowerCase() === "s3:listbucket")
      ? [
          `${typeof st.Sid === "string" && st.Sid ? `statement "${st.Sid}"` : `statement ${i}`} ` +
            "allows s3:ListBucket, " +
            "which on MinIO also lists object versions (ids, sizes, deleted names) under the same prefixes; " +
            "no Deny can refuse it",
        ]
      : [],
  );

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

export const minioPolicies: StoragePolicy[] = [
  resourcePolicy({
    name: "minio-policy-least-privilege",
    summary: 'MinIO key policies must not allow "*"/"s3:*"-style actions, admin actions, or "*"/"arn:aws:s3:::*" resources.',
    controls: ["equivalent of AWS FSBP IAM.1 / IAM.21", "CKV_AWS_63", "CKV_AWS_355"],
    providers: ["minio"],
    guard: "least-privilege",
    types: [...MINIO.policy, ...MINIO_PKG.iamPolicy],
    check: (p, type) =>
      documentProblems(documentOf(p, type), "document", (doc) => [...wildcardGrants(doc, false), ...adminActions(doc)], missingDocument(type)),
  }),
  resourcePolicy({
    name: "minio-policy-not-public",
    summary: 'MinIO policies and bucket policies must not allow Principal "*" (anonymous access; Deny statements are fine).',
    controls: ["equivalent of AWS FSBP S3.2 / S3.3", "CKV_AWS_70"],
    providers: ["minio"],
    guard: "public-access",
    types: [...MINIO.policy, ...MINIO_PKG.bucketPolicy],
    check: (p, type) => documentProblems(documentOf(p, type), "document", publicGrants),
  }),
  resourcePolicy({
    name: "minio-policy-version-listing",
    summary: "MinIO key policies allowing s3:ListBucket also let the key list object versions (not read or delete them).",
    controls: [HISTORY_RULE],
    providers: ["minio"],
    guard: "data-protection",
    advisory: HISTORY_ADVISORY,
    types: [...MINIO.policy],
    check: (p) => documentProblems(p.document, "document", listsVersions),
  }),
  resourcePolicy({
    name: "minio-key-single-bucket",
    summary: "A MinIO key (minio:Key, one generation) must reach exactly one bucket: no statement of its policy may allow a second bucket or a wildcard one.",
    controls: ["AWS FSBP IAM.21", "CKV_AWS_355", "CIS Controls v8 6.8"],
    providers: ["minio"],
    guard: "least-privilege",
    // Judged on the inputs: the document is the whole of the key's grant, and its outputs keep only a hash.
    types: [...MINIO.key],
    check: (p) => documentProblems(p.document, "document", (doc) => {
      const buckets = [...bucketsReached(doc)].sort();
      if (buckets.length <= 1 && !buckets.includes("*")) return [];
      return [`reaches ${buckets.map((b) => `"${b}"`).join(", ")}: a scoped key must reach exactly one bucket`];
    }, "policy has no document"),
  }),
  resourcePolicy({
    name: "minio-bucket-encryption",
    summary: "MinIO buckets must encrypt by default with a KMS key (kmsKeyId set; encryptionType aws:kms on an S3BucketServerSideEncryption).",
    controls: ["equivalent of AWS FSBP S3.17", "CKV_AWS_145"],
    providers: ["minio"],
    guard: "encryption",
    types: [...MINIO.bucket, ...MINIO_PKG.encryption],
    check: (p, type) => [
      ...(MINIO_PKG.encryption.includes(type as never) ? mustBe("encryptionType", p.encryptionType, "aws:kms", "not set") : []),
      ...(hasKey(p.kmsKeyId) ? [] : ["kmsKeyId is not set: objects would be stored unencrypted"]),
    ],
  }),
  resourcePolicy({
    name: "minio-bucket-versioning",
    summary: "MinIO buckets must enable versioning (S3BucketVersioning status Enabled, not Suspended).",
    controls: ["equivalent of AWS FSBP S3.14", "CKV_AWS_21"],
    providers: ["minio"],
    guard: "data-protection",
    types: [...MINIO.bucket, ...MINIO_PKG.versioning],
    check: (p, type) =>
      MINIO_PKG.versioning.includes(type as never)
        ? mustBe("versioningConfiguration.status", at(p, "versioningConfiguration", "status"), "Enabled", "not set")
        : mustBe("versioning", asBool(p.versioning), true, "not set"),
  }),
  resourcePolicy({
    name: "minio-endpoint-tls",
    summary: "MinIO endpoints must use https; plain http is allowed only on a loopback address (the traffic never leaves the host).",
    controls: ["equivalent of AWS FSBP S3.5"],
    providers: ["minio"],
    guard: "encryption",
    types: [...MINIO.all],
    check: (p) => {
      const endpoint = at(p, "conn", "endpoint");
      if (typeof endpoint !== "string" || isUnknown(endpoint)) return [];
      let url: URL;
      try {
        url = new URL(endpoint);
      } catch {
        return [`conn.endpoint "${endpoint}" is not a URL`];
      }
      if (url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.test(url.hostname))) return [];
      return [`conn.endpoint "${endpoint}" is not https: keys and data would cross the network in clear text`];
    },
  }),
  resourcePolicy({
    name: "minio-cors-no-wildcard",
    summary: 'The MinIO server CORS origins must not include "*": MinIO cannot narrow methods, so any origin could write.',
    controls: ["OWASP ASVS 4.0.3 V14.5.3"],
    providers: ["minio"],
    guard: "hardening",
    types: [...MINIO.serverCors],
    check: (p) => knownStrings(p.origins).filter(isAnyOrigin).map((o) => `origin "${o}" lets any site read and write with browser credentials`),
  }),
];
