/** AWS S3 and IAM: resource-level policies (companion resources are checked in stack.ts). */
import { wildcardWriteRules } from "../cors";
import { documentProblems, hasTlsOnlyDeny, publicGrants, wildcardGrants } from "../iam";
import { mustBe, resourcePolicy, type StoragePolicy } from "../policy";
import { asBool, at, isUnknown, list, type Plain, type PlainObject } from "../props";
import { inlineEncryptionRules, inlineLifecycleRules, inlineVersioning, inlineWebsite, isAwsBucket } from "./aws-inline";
import { AWS } from "./types";

const PUBLIC_CANNED_ACLS = ["public-read", "public-read-write", "authenticated-read"];
const PUBLIC_GRANTEES = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)/;

function publicAcl(acl: Plain, grants: Plain[], uriOf: (g: Plain) => Plain): string[] {
  const out: string[] = [];
  if (typeof acl === "string" && PUBLIC_CANNED_ACLS.includes(acl)) out.push(`canned ACL "${acl}" makes the bucket public`);
  for (const g of grants) {
    const uri = uriOf(g);
    if (typeof uri === "string" && PUBLIC_GRANTEES.test(uri)) out.push(`ACL grant to ${uri.split("/").pop()} makes the bucket public`);
  }
  return out;
}

/** Inline versioning: absent is left to the companion rule; explicitly off (or suspended) is not. */
function inlineVersioningProblems(p: PlainObject): string[] {
  const states = inlineVersioning(p);
  if (states === undefined || isUnknown(states)) return [];
  return states.map(asBool).some((e) => e === false) ? ["versioning.enabled is false"] : [];
}

export const awsPolicies: StoragePolicy[] = [
  resourcePolicy({
    name: "aws-s3-no-public-acl",
    summary: "S3 buckets must not grant public access through ACLs (canned public ACLs or AllUsers/AuthenticatedUsers grants).",
    controls: ["AWS FSBP S3.2", "AWS FSBP S3.3", "CKV_AWS_20", "CKV_AWS_57"],
    providers: ["aws"],
    guard: "public-access",
    types: [...AWS.bucket, ...AWS.acl],
    check: (p, type) =>
      isAwsBucket(type)
        ? publicAcl(p.acl, list(p.grants), (g) => at(g, "uri"))
        : publicAcl(p.acl, list(at(p, "accessControlPolicy", "grants")), (g) => at(g, "grantee", "uri")),
  }),
  resourcePolicy({
    name: "aws-s3-no-public-policy",
    summary: 'S3 bucket policies must not allow Principal "*" (unless pinned to the organization, account, VPC or source).',
    controls: ["AWS FSBP S3.2", "AWS FSBP S3.3", "CKV_AWS_70"],
    providers: ["aws"],
    guard: "public-access",
    types: [...AWS.bucket, ...AWS.policy],
    check: (p) => documentProblems(p.policy, "bucket policy", publicGrants),
  }),
  resourcePolicy({
    name: "aws-s3-public-access-block",
    summary: "S3 public access blocks must turn on all four flags (blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets).",
    controls: ["AWS FSBP S3.8", "CIS AWS 2.1.4", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"],
    providers: ["aws"],
    guard: "public-access",
    types: [...AWS.publicAccessBlock],
    check: (p) =>
      ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]
        .filter((f) => !isUnknown(p[f]) && asBool(p[f]) !== true)
        .map((f) => `${f} is ${p[f] === undefined ? "not set (false)" : JSON.stringify(p[f])}; it must be true`),
  }),
  resourcePolicy({
    name: "aws-s3-acls-disabled",
    summary: "S3 object ownership must be BucketOwnerEnforced, which disables ACLs.",
    controls: ["AWS FSBP S3.12", "CKV2_AWS_65"],
    providers: ["aws"],
    guard: "public-access",
    types: [...AWS.ownership],
    check: (p) => {
      const o = at(p, "rule", "objectOwnership");
      return isUnknown(o) || o === "BucketOwnerEnforced" ? [] : [`objectOwnership is ${JSON.stringify(o ?? null)}; ACLs stay enabled unless it is "BucketOwnerEnforced"`];
    },
  }),
  resourcePolicy({
    name: "aws-s3-default-encryption",
    summary: "S3 default encryption must apply SSE-KMS (aws:kms, aws:kms:dsse) or SSE-S3 (AES256) to every new object.",
    controls: ["AWS FSBP S3.17", "CKV_AWS_19", "CKV_AWS_145"],
    providers: ["aws"],
    guard: "encryption",
    types: [...AWS.bucket, ...AWS.encryption],
    // A bucket without inline encryption is judged by its companion (storage-stack-encryption-companions).
    check: (p, type) => {
      const rules = isAwsBucket(type) ? inlineEncryptionRules(p) : p.rules;
      if (rules === undefined && isAwsBucket(type)) return [];
      if (isUnknown(rules)) return [];
      const algos = list(rules).map((r) => at(r, "applyServerSideEncryptionByDefault", "sseAlgorithm"));
      if (algos.some(isUnknown)) return [];
      if (algos.some((a) => typeof a === "string" && ["aws:kms", "aws:kms:dsse", "AES256"].includes(a))) return [];
      return [`no rule applies default encryption (sseAlgorithm seen: ${JSON.stringify(algos)})`];
    },
  }),
  resourcePolicy({
    name: "aws-s3-tls-only",
    summary: 'S3 bucket policies must deny every request made without TLS (Deny s3:* when aws:SecureTransport is "false").',
    controls: ["AWS FSBP S3.5", "CIS AWS 2.1.1"],
    providers: ["aws"],
    guard: "encryption",
    types: [...AWS.bucket, ...AWS.policy],
    check: (p) =>
      documentProblems(p.policy, "bucket policy", (doc) => (hasTlsOnlyDeny(doc) === false ? ['has no Deny of s3:* for aws:SecureTransport "false": plain HTTP is accepted'] : [])),
  }),
  resourcePolicy({
    name: "aws-s3-cors-no-wildcard-write",
    summary: 'S3 CORS rules must not let origin "*" use write methods (PUT, POST, DELETE).',
    controls: ["OWASP ASVS 4.0.3 V14.5.3"],
    providers: ["aws"],
    guard: "hardening",
    types: [...AWS.bucket, ...AWS.cors],
    check: (p) => wildcardWriteRules(p.corsRules, "corsRules", (r) => [at(r, "allowedOrigins"), at(r, "allowedMethods")]),
  }),
  resourcePolicy({
    name: "aws-s3-lifecycle-abort-multipart",
    summary: "S3 lifecycle configurations must abort incomplete multipart uploads (an enabled rule with abortIncompleteMultipartUpload).",
    controls: ["AWS FSBP S3.13", "CKV_AWS_300"],
    providers: ["aws"],
    guard: "data-protection",
    types: [...AWS.bucket, ...AWS.lifecycle],
    // Inline lifecycleRules are judged when present; a bucket without them needs the companion (stack.ts).
    check: (p, type) => {
      const rules = isAwsBucket(type) ? inlineLifecycleRules(p) : p.rules;
      if (rules === undefined) return [];
      if (isUnknown(rules)) return [];
      const rs = list(rules);
      const decided = rs.filter((r) => !isUnknown(at(r, "status")) && !isUnknown(at(r, "abortIncompleteMultipartUpload")));
      if (decided.length < rs.length) return [];
      const ok = rs.some((r) => at(r, "status") === "Enabled" && typeof at(r, "abortIncompleteMultipartUpload", "daysAfterInitiation") === "number");
      return ok ? [] : ["no enabled rule aborts incomplete multipart uploads: abandoned parts are stored (and billed) forever"];
    },
  }),
  resourcePolicy({
    name: "aws-s3-versioning",
    summary: "S3 bucket versioning must be Enabled (not Suspended or Disabled).",
    controls: ["AWS FSBP S3.14", "CKV_AWS_21"],
    providers: ["aws"],
    guard: "data-protection",
    types: [...AWS.bucket, ...AWS.versioning],
    check: (p, type) => {
      if (isAwsBucket(type)) return inlineVersioningProblems(p);
      return mustBe("versioningConfiguration.status", at(p, "versioningConfiguration", "status"), "Enabled");
    },
  }),
  resourcePolicy({
    name: "aws-s3-no-website",
    summary: "S3 buckets must not be website endpoints: website hosting serves objects anonymously over plain HTTP.",
    controls: ["AWS FSBP S3.2", "AWS FSBP S3.5"],
    providers: ["aws"],
    guard: "public-access",
    types: [...AWS.bucket, ...AWS.website],
    check: (p, type) => {
      if (isAwsBucket(type)) {
        const site = inlineWebsite(p);
        return site === undefined || isUnknown(site) ? [] : ["website hosting is configured on a private bucket"];
      }
      return ["website hosting is configured on a private bucket"];
    },
  }),
  resourcePolicy({
    name: "aws-iam-no-s3-wildcards",
    summary: 'IAM policies must not allow "*"/"s3:*"-style actions or "*"/"arn:aws:s3:::*" resources on S3.',
    controls: ["AWS FSBP IAM.1", "AWS FSBP IAM.21", "CKV_AWS_62", "CKV_AWS_63", "CKV_AWS_355"],
    providers: ["aws"],
    guard: "least-privilege",
    types: [...AWS.iamPolicy],
    check: (p) => documentProblems(p.policy, "IAM policy", (doc) => wildcardGrants(doc, true)),
  }),
];
