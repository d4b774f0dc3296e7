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
  // Pure: nothing here reads a file. A caBundleFile is read where it is used (minioConnection) and
  // checked, with its path, by the adapter's environmentProblems before anything is registered.
  .superRefine((s, ctx) => {
    if (s.caBundle !== undefined && s.caBundleFile !== undefined) {
      ctx.addIssue({ code: "custom", path: ["caBundleFile"], message: "give caBundle or caBundleFile, not both" });
    }
    const field = s.caBundleFile !== undefined ? "caBundleFile" : "caBundle";
    if (s.caBundle !== undefined) {
      const problem = pemProblem(s.caBundle);
      if (problem) ctx.addIssue({ code: "custom", path: ["caBundle"], message: problem });
    }
    if ((s.caBundle ?? s.caBundleFile) !== undefined && !s.endpoint.startsWith("https:")) {
      ctx.addIssue({ code: "custom", path: [field], message: "a CA bundle needs an https endpoint" });
    }
  });
export type MinioSettings = z.output<typeof MinioSettings>;

/** What is wrong with `caBundleFile` on this machine, as `storage:minio.caBundleFile: ...` lines. */
export function caBundleFileProblems(settings: MinioSettings): string[] {
  if (settings.caBundleFile === undefined) return [];
  const at = "storage:minio.caBundleFile";
  const file = path.resolve(PROJECT_ROOT, settings.caBundleFile);
  if (!fs.existsSync(file)) return [`${at}: ${settings.caBundleFile} does not exist (npm run setup generates .local/tls/ca.pem)`];
  const problem = pemProblem(fs.readFileSync(file, "utf8"));
  return problem ? [`${at}: ${problem}`] : [];
}

/** The connection every MinIO resource and client uses for these settings (reads caBundleFile). */
export function minioConnection(settings: MinioSettings): MinioConnection {
  const caBundle = settings.caBundle ?? (settings.caBundleFile !== undefined
    ? fs.readFileSync(path.resolve(PROJECT_ROOT, settings.caBundleFile), "utf8")
    : undefined);
  return { endpoint: settings.endpoint, region: settings.region, ...(caBundle ? { caBundle } : {}) };
}
