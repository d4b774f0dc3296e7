/** Run every probe for every bucket of a contract, buckets in parallel. */
import type { BucketContract, Credential, StorageContract } from "../components/contract";
import type { AdminCredentials } from "../lib/credentials";
import { judged, type ProbeResult } from "./report";
import { S3BucketProber } from "./s3-probes";
import { AzureBucketProber, azureAdminFromEnv } from "./azure-probes";
import { roleKeyRows } from "./role-keys";

export interface VerifyOptions {
  /** Retired credentials per bucket and key (from a rotation): each must now be denied. */
  retired?: Record<string, Record<string, Credential>>;
}

async function probeBucket(logical: string, b: BucketContract, admin: AdminCredentials | undefined, options: VerifyOptions) {
  const retired = options.retired?.[logical];
  switch (b.provider) {
    case "minio":
    case "b2":
    case "gcp":
      return new S3BucketProber(logical, b, b.provider === "minio" ? admin : undefined, retired).runAll();
    case "aws":
      return [...(await new S3BucketProber(logical, b, undefined, retired).runAll()), ...roleKeyRows(logical, b)];
    case "azure":
      return new AzureBucketProber(logical, b, azureAdminFromEnv(b), retired).runAll();
    default: {
      const base = { bucket: logical, key: "-", probe: `provider ${String(b.provider)}`, expect: "allow" as const };
      return [judged(base, "fail", "unsupported", "verify has no prober for this provider", 0)];
    }
  }
}

export async function verifyContract(
  contract: StorageContract,
  admin?: AdminCredentials,
  options: VerifyOptions = {},
): Promise<ProbeResult[]> {
  const perBucket = await Promise.all(
    Object.entries(contract.buckets).map(([logical, b]) => probeBucket(logical, b, admin, options)),
  );
  return perBucket.flat();
}
