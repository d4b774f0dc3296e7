/** BucketSpec -> `gcp.storage.Bucket` inputs, as plain data so tests can compare them exactly. */
import type { CorsRule, LifecycleRule } from "../spec";
import type { GcsBucketOptions } from "./settings";

export interface GcsLifecycleRule {
  action: { type: "Delete" | "AbortIncompleteMultipartUpload" };
  condition: {
    age?: number;
    daysSinceNoncurrentTime?: number;
    numNewerVersions?: number;
    withState?: "LIVE" | "ARCHIVED";
    matchesPrefixes?: string[];
  };
}

export interface GcsCorsRule {
  origins: string[];
  methods: string[];
  responseHeaders: string[];
  maxAgeSeconds: number;
}

/**
 * One spec rule can become several GCS rules (GCS has one action per rule). Semantics follow S3:
 * `expireDays` deletes *live* objects (a versioned bucket keeps them as noncurrent versions),
 * `noncurrentExpireDays` deletes noncurrent versions. Spec rule `id`s have no GCS counterpart.
 */
export function gcsLifecycleRules(rules: readonly LifecycleRule[], options: Pick<GcsBucketOptions, "keepNoncurrentVersions">): GcsLifecycleRule[] {
  const out: GcsLifecycleRule[] = [];
  for (const r of rules) {
    const scope = r.prefix ? { matchesPrefixes: [r.prefix] } : {};
    if (r.expireDays !== undefined) out.push({ action: { type: "Delete" }, condition: { age: r.expireDays, withState: "LIVE", ...scope } });
    if (r.noncurrentExpireDays !== undefined) {
      out.push({ action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: r.noncurrentExpireDays, withState: "ARCHIVED", ...scope } });
    }
    if (r.abortIncompleteUploadDays !== undefined) {
      out.push({ action: { type: "AbortIncompleteMultipartUpload" }, condition: { age: r.abortIncompleteUploadDays, ...scope } });
    }
  }
  // "Keep N noncurrent versions": a version with N+1 newer versions is the (N+1)th noncurrent one.
  if (options.keepNoncurrentVersions !== undefined) {
    out.push({ action: { type: "Delete" }, condition: { numNewerVersions: options.keepNoncurrentVersions + 1, withState: "ARCHIVED" } });
  }
  return out;
}

/**
 * GCS has one header list per CORS rule (`responseHeader`), used both to allow request headers in a
 * preflight and to expose response headers, so it is the union of the spec's two lists.
 */
export function gcsCors(rules: readonly CorsRule[]): GcsCorsRule[] {
  return rules.map((r) => ({
    origins: [...r.origins],
    methods: [...r.methods],
    responseHeaders: [...new Set([...r.headers, ...r.exposeHeaders])].sort(),
    maxAgeSeconds: r.maxAgeSeconds,
  }));
}

/** Labels must be lowercase letters, digits, '_' and '-', at most 63 chars. */
export function gcsLabelValue(v: string): string {
  return v.toLowerCase().replace(/[^a-z0-9_-]/g, "-").slice(0, 63);
}
