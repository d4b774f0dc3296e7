/**
 * Settings made inline on `aws.s3.Bucket` / `aws.s3.BucketV2` instead of a companion resource.
 * The two types spell them differently (v7's Bucket: one object; BucketV2: lists such as
 * `versionings`, `websites`), so each reader returns the companion resource's shape and the rules
 * in aws.ts and stack.ts judge both the same way. `undefined`: the bucket does not set it inline.
 */
import { at, isUnknown, list, UNKNOWN, type Plain, type PlainObject, type Unknown } from "../props";
import { AWS } from "./types";

export const isAwsBucket = (type: string) => (AWS.bucket as readonly string[]).includes(type);

const set = (v: Plain) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);

/** Both spellings, whichever is present; UNKNOWN when the one present is. */
function either(p: PlainObject, one: string, many: string): Plain | Unknown {
  if (set(p[one])) return p[one];
  if (set(p[many])) return p[many];
  return undefined;
}

/** Default-encryption rules as `BucketServerSideEncryptionConfiguration.rules` holds them. */
export function inlineEncryptionRules(p: PlainObject): Plain {
  const v = either(p, "serverSideEncryptionConfiguration", "serverSideEncryptionConfigurations");
  if (v === undefined || isUnknown(v)) return v;
  return list(v).flatMap((config) => {
    const one = at(config, "rule");
    if (one !== undefined) return [one];
    const rules = at(config, "rules");
    if (isUnknown(rules)) return [UNKNOWN];
    // BucketV2 nests the default as a list too; one rule per default keeps "any rule encrypts" exact.
    return list(rules).flatMap((r) => {
      const defaults = at(r, "applyServerSideEncryptionByDefaults");
      if (isUnknown(defaults)) return [UNKNOWN];
      return list(defaults).map((d): Plain => ({ applyServerSideEncryptionByDefault: d }));
    });
  });
}

/** `versioning.enabled` (Bucket) or every `versionings[].enabled` (BucketV2). */
export function inlineVersioning(p: PlainObject): Plain[] | Unknown | undefined {
  const v = either(p, "versioning", "versionings");
  if (v === undefined || isUnknown(v)) return v;
  return list(v).map((x) => at(x, "enabled"));
}

/** `website` (Bucket) or `websites` (BucketV2). */
export const inlineWebsite = (p: PlainObject): Plain => either(p, "website", "websites");

/** `logging` (Bucket) or `loggings` (BucketV2). */
export const inlineLogging = (p: PlainObject): Plain => either(p, "logging", "loggings");

/** `lifecycleRules` in the lifecycle configuration's shape (status, abortIncompleteMultipartUpload). */
export function inlineLifecycleRules(p: PlainObject): Plain {
  const v = p.lifecycleRules;
  if (!set(v) || isUnknown(v)) return set(v) ? v : undefined;
  return list(v).map((r): Plain => {
    const enabled = at(r, "enabled");
    const days = at(r, "abortIncompleteMultipartUploadDays");
    return {
      status: isUnknown(enabled) ? UNKNOWN : enabled === true ? "Enabled" : "Disabled",
      abortIncompleteMultipartUpload: isUnknown(days) ? UNKNOWN : days === undefined || days === null ? undefined : { daysAfterInitiation: days },
    };
  });
}
