/** Backblaze B2 through this project's dynamic resources (components/b2/resources.ts). */
import { wildcardWriteRules } from "../cors";
import { mustBe, resourcePolicy, type StoragePolicy } from "../policy";
import { at, isUnknown, knownStrings, list } from "../props";
import { B2, HISTORY_ADVISORY, HISTORY_RULE } from "./types";

/** Capabilities that reach beyond one bucket: they manage keys or buckets of the whole account. */
const ACCOUNT_WIDE_CAPABILITIES = ["listKeys", "writeKeys", "deleteKeys", "writeBuckets", "deleteBuckets"];

/** B2 operations that write (native `b2_upload_*`, S3-API `s3_put`/`s3_post`/`s3_delete`). */
const b2Methods = (ops: string[]) => ops.map((o) => (/upload|put/.test(o) ? "PUT" : /post/.test(o) ? "POST" : /delete/.test(o) ? "DELETE" : "GET"));

/** Capabilities that reach every file version: B2 has none limited to the live one. */
const FILE_VERSIONS = new Map([
  ["listFiles", "lists every file version"],
  ["readFiles", "downloads any file version by id"],
  ["deleteFiles", "deletes any file version for good"],
]);

export const b2Policies: StoragePolicy[] = [
  resourcePolicy({
    name: "b2-bucket-all-private",
    summary: 'B2 buckets must be "allPrivate" (allPublic serves every file to anyone).',
    controls: ["equivalent of AWS FSBP S3.2", "CKV_AWS_20"],
    providers: ["b2"],
    guard: "public-access",
    types: [...B2.bucket],
    check: (p) => mustBe("bucketType", p.bucketType, "allPrivate"),
  }),
  resourcePolicy({
    name: "b2-bucket-encryption",
    summary: 'B2 buckets must encrypt by default (defaultServerSideEncryption mode "SSE-B2").',
    controls: ["equivalent of AWS FSBP S3.17", "CKV_AWS_19"],
    providers: ["b2"],
    guard: "encryption",
    types: [...B2.bucket],
    check: (p) => mustBe("defaultServerSideEncryption.mode", at(p, "defaultServerSideEncryption", "mode"), "SSE-B2"),
  }),
  resourcePolicy({
    name: "b2-bucket-cors-no-wildcard-write",
    summary: 'B2 CORS rules must not let origin "*" use upload, put, post or delete operations.',
    controls: ["OWASP ASVS 4.0.3 V14.5.3"],
    providers: ["b2"],
    guard: "hardening",
    types: [...B2.bucket],
    check: (p) =>
      wildcardWriteRules(p.corsRules, "corsRules", (r) => {
        const ops = at(r, "allowedOperations");
        return [at(r, "allowedOrigins"), isUnknown(ops) ? ops : b2Methods(knownStrings(ops))];
      }),
  }),
  resourcePolicy({
    name: "b2-bucket-lifecycle-abort-large-files",
    summary: "B2 buckets must cancel unfinished large files (a lifecycle rule with daysFromStartingToCancelingUnfinishedLargeFiles).",
    controls: ["equivalent of CKV_AWS_300"],
    providers: ["b2"],
    guard: "data-protection",
    types: [...B2.bucket],
    check: (p) => {
      if (isUnknown(p.lifecycleRules)) return [];
      const days = list(p.lifecycleRules).map((r) => at(r, "daysFromStartingToCancelingUnfinishedLargeFiles"));
      if (days.some(isUnknown) || days.some((d) => typeof d === "number" && d > 0)) return [];
      return ["no lifecycle rule cancels unfinished large files: abandoned parts are stored (and billed) forever"];
    },
  }),
  resourcePolicy({
    name: "b2-key-scoped",
    summary: `B2 application keys must be restricted to one bucket and carry no account-wide capability (${ACCOUNT_WIDE_CAPABILITIES.join(", ")}).`,
    controls: ["equivalent of AWS FSBP IAM.1", "CKV_AWS_355"],
    providers: ["b2"],
    guard: "least-privilege",
    types: [...B2.key],
    check: (p) => {
      const out = knownStrings(p.capabilities)
        .filter((c) => ACCOUNT_WIDE_CAPABILITIES.includes(c))
        .map((c) => `capability "${c}" is account-wide`);
      // B2's v3 API also takes `bucketIds`; exactly one bucket either way.
      const ids = p.bucketIds;
      const idCount = Array.isArray(ids) ? ids.length : 0;
      const single = (typeof p.bucketId === "string" && p.bucketId !== "") || idCount === 1;
      if (idCount > 1) out.push(`bucketIds lists ${idCount} buckets; a key must reach one`);
      else if (!single && !isUnknown(p.bucketId) && !isUnknown(ids)) out.push("bucketId is not set: the key reaches every bucket of the account");
      return out;
    },
  }),
  resourcePolicy({
    name: "b2-key-file-versions",
    summary: "B2 keys with listFiles, readFiles or deleteFiles reach every file version, not only the live one.",
    controls: [HISTORY_RULE],
    providers: ["b2"],
    guard: "data-protection",
    advisory: HISTORY_ADVISORY,
    types: [...B2.key],
    check: (p) => {
      const found = knownStrings(p.capabilities).filter((c) => FILE_VERSIONS.has(c));
      if (!found.length) return [];
      const reach = found.map((c) => `${c} ${FILE_VERSIONS.get(c)}`).join("; ");
      return [`${reach}: B2 cannot keep a key from old versions (object lock retention protects them)`];
    },
  }),
];
