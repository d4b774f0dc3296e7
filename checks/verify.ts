/** Run every probe for every bucket of a contract, buckets in parallel. */
import type { Credential, StorageContract } from "../components/contract";
import type { ProbeResult } from "./report";
import type { AdminCredentials } from "../components/minio/admin-client";
import { S3BucketProber } from "./s3-probes";
import { AzureBucketProber, azureAdminFromEnv } from "./azure-probes";

export interface VerifyOptions {
  /** Retired credentials per bucket and key (from a rotation): each must now be denied. */
  retired?: Record<string, Record<string, Credential>>;
}

export async function verifyContract(contract: StorageContract, admin?: AdminCredentials, options: VerifyOptions = {}): Promise<ProbeResult[]> {
  const perBucket = await Promise.all(
    Object.entries(contract.buckets).map(async ([logical, b]) => {
      switch (b.provider) {
        case "minio":
        case "aws":
        case "b2":
        case "gcp":
          return new S3BucketProber(logical, b, b.provider === "minio" ? admin : undefined, options.retired?.[logical]).runAll();
        case "azure":
          return new AzureBucketProber(logical, b, azureAdminFromEnv(b), options.retired?.[logical]).runAll();
        default:
          return [{ bucket: logical, key: "-", probe: `no prober for provider ${b.provider}`, expect: "allow" as const, seen: "unsupported", ok: false, ms: 0 }];
      }
    }),
  );
  return perBucket.flat();
}
