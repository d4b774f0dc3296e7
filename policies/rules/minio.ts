/**
 * MinIO through this project's dynamic resources (components/minio/resources.ts): the bucket's
 * inputs, canned policies (an IAM-language JSON document), users and the server-wide CORS list.
 */
import { documentProblems, isAllow, publicGrants, wildcardGrants, type ParsedDocument } from "../iam";
import { mustBe, resourcePolicy, type StoragePolicy } from "../policy";
import { asBool, at, isUnknown, knownStrings } from "../props";
import { isAnyOrigin } from "../cors";
import { HISTORY_ADVISORY, HISTORY_RULE, MINIO } from "./types";

/** MinIO admin actions in a key's policy let it manage users, policies or the server. */
const adminActions = (doc: ParsedDocument) =>
  doc.statements
    .filter(isAllow)
    .flatMap((st) => knownStrings(st.Action).filter((a) => a.toLowerCase().startsWith("admin:")))
    .map((a) => `allows MinIO admin action "${a}"`);

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
    types: [...MINIO.policy],
    check: (p) => documentProblems(p.document, "document", (doc) => [...wildcardGrants(doc, false), ...adminActions(doc)], "policy has no document"),
  }),
  resourcePolicy({
    name: "minio-policy-not-public",
    summary: 'MinIO policies must not allow Principal "*" (anonymous access).',
    controls: ["equivalent of AWS FSBP S3.2 / S3.3", "CKV_AWS_70"],
    providers: ["minio"],
    guard: "public-access",
    types: [...MINIO.policy],
    check: (p) => documentProblems(p.document, "document", publicGrants),
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
    name: "minio-bucket-encryption",
    summary: "MinIO buckets must encrypt by default with a KMS key (kmsKeyId set).",
    controls: ["equivalent of AWS FSBP S3.17", "CKV_AWS_145"],
    providers: ["minio"],
    guard: "encryption",
    types: [...MINIO.bucket],
    check: (p) => (isUnknown(p.kmsKeyId) || (typeof p.kmsKeyId === "string" && p.kmsKeyId.trim() !== "") ? [] : ["kmsKeyId is not set: objects would be stored unencrypted"]),
  }),
  resourcePolicy({
    name: "minio-bucket-versioning",
    summary: "MinIO buckets must enable versioning.",
    controls: ["equivalent of AWS FSBP S3.14", "CKV_AWS_21"],
    providers: ["minio"],
    guard: "data-protection",
    types: [...MINIO.bucket],
    check: (p) => mustBe("versioning", asBool(p.versioning), true, "not set"),
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
