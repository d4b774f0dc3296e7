/** Spec CORS rules -> S3 CORS rules (empty lists omitted so the stored shape matches what S3 returns). */
import type { CorsRule } from "../spec";

export interface S3CorsRule {
  id: string;
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders?: string[];
  exposeHeaders?: string[];
  maxAgeSeconds: number;
}

export function s3CorsRules(rules: CorsRule[]): S3CorsRule[] {
  return rules.map((r, i) => ({
    id: `cors-${i}`,
    allowedOrigins: [...r.origins],
    allowedMethods: [...r.methods],
    ...(r.headers.length ? { allowedHeaders: [...r.headers] } : {}),
    ...(r.exposeHeaders.length ? { exposeHeaders: [...r.exposeHeaders] } : {}),
    maxAgeSeconds: r.maxAgeSeconds,
  }));
}
