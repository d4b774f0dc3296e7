/**
 * What an AWS bucket spec asks for that S3 would refuse (or silently ignore), as config-path
 * problems reported before any resource is registered.
 */
import type { BucketSpec } from "../spec";
import { parseKmsKeyId } from "./kms-key";
import { lifecycleProblems } from "./lifecycle";
import type { AwsBucketOptions } from "./options";
import type { AwsSettings } from "./settings";

/** Prefixes and suffixes S3 reserves in bucket names (on top of naming.ts's charset and length). */
export const RESERVED_NAME_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
export const RESERVED_NAME_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/** S3 bucket naming rules for a physical name; empty when valid. */
export function s3BucketNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) problems.push("must be 3-63 chars of a-z, 0-9, '.' and '-', starting and ending with a letter or digit");
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) problems.push("must not look like an IP address");
  if (name.includes("..")) problems.push('must not contain ".."');
  for (const p of RESERVED_NAME_PREFIXES) if (name.startsWith(p)) problems.push(`must not start with "${p}" (reserved by S3)`);
  for (const s of RESERVED_NAME_SUFFIXES) if (name.endsWith(s)) problems.push(`must not end with "${s}" (reserved by S3)`);
  return problems;
}

export function awsSpecProblems(logical: string, spec: BucketSpec, options: AwsBucketOptions, settings: AwsSettings): string[] {
  const at = `storage:buckets.${logical}`;
  const problems: string[] = [];
  // The physical name starts with the logical name (naming.ts), so a reserved prefix is the logical name's fault.
  for (const p of RESERVED_NAME_PREFIXES) if (logical.startsWith(p)) problems.push(`${at}: the bucket name must not start with "${p}" (reserved by S3); rename the bucket`);

  if (spec.encryption.kind === "kms") {
    const ref = parseKmsKeyId(spec.encryption.keyId);
    if (typeof ref === "string") problems.push(`${at}.encryption.keyId: ${ref}`);
    else if (ref.region && ref.region !== settings.region) {
      problems.push(`${at}.encryption.keyId: the key is in ${ref.region} but storage:aws.region is ${settings.region}; S3 only uses KMS keys from the bucket's region`);
    }
    if (options.createKmsKey) problems.push(`${at}.options.createKmsKey: conflicts with encryption.keyId; name an existing key or let the component create one, not both`);
  }

  for (const keyName of Object.keys(options.keys)) {
    if (!(keyName in spec.keys)) problems.push(`${at}.options.keys.${keyName}: there is no key "${keyName}" in ${at}.keys`);
  }

  const logging = options.accessLogging ?? settings.accessLogging;
  if (options.logTargetBucket && !logging) problems.push(`${at}.options.logTargetBucket: set, but access logging is off for this bucket`);

  problems.push(...lifecycleProblems(logical, spec.lifecycle));
  if (!spec.versioning) {
    spec.lifecycle.forEach((r, i) => {
      if (r.noncurrentExpireDays !== undefined) problems.push(`${at}.lifecycle[${i}].noncurrentExpireDays: has no effect with versioning: false`);
    });
  }
  if (spec.cors.length > 100) problems.push(`${at}.cors: S3 allows at most 100 CORS rules`);
  return problems;
}
