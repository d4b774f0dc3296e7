import type { BucketSpec } from "../spec";

/**
 * What a spec asks for that MinIO cannot do, as config-path problems. Checked before any
 * resource is registered, so an unsupported request fails instead of being silently dropped.
 */
export function minioSpecProblems(logical: string, spec: BucketSpec): string[] {
  const problems: string[] = [];
  spec.lifecycle.forEach((rule, i) => {
    if (rule.abortIncompleteUploadDays !== undefined) {
      problems.push(
        `storage:buckets.${logical}.lifecycle[${i}].abortIncompleteUploadDays: MinIO has no per-bucket rule for this; ` +
          "it expires stale multipart uploads server-wide (api stale_uploads_expiry, default 24h). Remove the field.",
      );
    }
  });
  return problems;
}
