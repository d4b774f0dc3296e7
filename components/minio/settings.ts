import * as fs from "node:fs";
import * as path from "node:path";
import { X509Certificate } from "node:crypto";
import { z } from "zod";
import type { MinioConnection } from "./admin-client";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** PEM text that holds at least one parseable certificate. */
function pemProblem(pem: string): string | undefined {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!blocks) return "must be a PEM bundle with at least one CERTIFICATE block";
  for (const b of blocks) {
    try {
      new X509Certificate(b);
    } catch (e) {
      return `holds a certificate that does not parse: ${(e as Error).message}`;
    }
  }
  return undefined;
}

/**
 * `storage:minio` stack config: where the MinIO server is. Admin credentials come from the environment.
 * A private CA is given as PEM (`caBundle`) or a file (`caBundleFile`, relative to the project);
 * there is deliberately no way to turn certificate verification off.
 */
export const MinioSettings = z
  .strictObject({
    endpoint: z
      .url({ protocol: /^https?$/, error: "must be an http(s) URL such as http://127.0.0.1:9000" })
      .describe("http(s) URL of the MinIO server; its admin credentials come from the environment, never config"),
    region: z
      .string()
      .min(1)
      .default("us-east-1")
      .describe("The server's region: requests are signed for it and the contract hands it to applications"),
    kmsKeyId: z
      .string()
      .min(1)
      .describe("Name of the server's KMS key (`MINIO_KMS_SECRET_KEY=<name>:<key>`) used for default SSE"),
    caBundle: z
      .string()
      .optional()
      .describe("PEM of the private CA that signed the server certificate (https); verification cannot be turned off"),
    caBundleFile: z
      .string()
      .min(1)
      .optional()
      .describe("That PEM as a file, relative to the project (npm run setup makes .local/tls/ca.pem); not with caBundle"),
  })
  .transform((s, ctx) => {
    const { caBundleFile, ...rest } = s;
    let caBundle = s.caBundle;
    if (caBundleFile !== undefined) {
      if (caBundle !== undefined) ctx.addIssue({ code: "custom", path: ["caBundleFile"], message: "give caBundle or caBundleFile, not both" });
      const file = path.resolve(PROJECT_ROOT, caBundleFile);
      if (!fs.existsSync(file)) {
        ctx.addIssue({ code: "custom", path: ["caBundleFile"], message: `${caBundleFile} does not exist (npm run setup generates .local/tls/ca.pem)` });
        return z.NEVER;
      }
      caBundle = fs.readFileSync(file, "utf8");
    }
    if (caBundle !== undefined) {
      const field = caBundleFile !== undefined ? "caBundleFile" : "caBundle";
      const problem = pemProblem(caBundle);
      if (problem) ctx.addIssue({ code: "custom", path: [field], message: problem });
      if (!s.endpoint.startsWith("https:")) ctx.addIssue({ code: "custom", path: [field], message: "a CA bundle needs an https endpoint" });
    }
    return { ...rest, ...(caBundle !== undefined ? { caBundle } : {}) };
  });
export type MinioSettings = z.output<typeof MinioSettings>;

/** The connection every MinIO resource and client uses for these settings. */
export function minioConnection(settings: MinioSettings): MinioConnection {
  return { endpoint: settings.endpoint, region: settings.region, ...(settings.caBundle ? { caBundle: settings.caBundle } : {}) };
}
