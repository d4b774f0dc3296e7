/**
 * Which upload rule the storage must enforce for an object key, restated from the spec's words
 * (longest matching `prefix`, else the rule without one) rather than taken from client/presign.ts:
 * the checker judges the helper's signed limits and must not share its bugs.
 */
import type { BucketContract } from "../components/contract";
import type { UploadRule } from "../components/spec";

export function expectedUploadRule(bucket: Pick<BucketContract, "uploads">, objectKey: string): UploadRule | undefined {
  let best: UploadRule | undefined;
  for (const rule of bucket.uploads ?? []) {
    if (rule.prefix === undefined || !objectKey.startsWith(rule.prefix)) continue;
    if (!best || rule.prefix.length > best.prefix!.length) best = rule;
  }
  return best ?? (bucket.uploads ?? []).find((r) => r.prefix === undefined);
}
