/** Run every probe for every bucket of a contract, buckets in parallel. */
import type { StorageContract } from "../components/contract";
import type { ProbeResult } from "./report";
import type { AdminCredentials } from "../components/minio/admin-client";
import { S3BucketProber } from "./s3-probes";

export async function verifyContract(contract: StorageContract, admin?: AdminCredentials): Promise<ProbeResult[]> {
  const perBucket = await Promise.all(
    Object.entries(contract.buckets).map(async ([logical, b]) => {
      switch (b.provider) {
        case "minio":
        case "aws":
        case "b2":
        case "gcp":
          return new S3BucketProber(logical, b, b.provider === "minio" ? admin : undefined).runAll();
        default:
          return [{ bucket: logical, key: "-", probe: `no prober for provider ${b.provider}`, expect: "allow" as const, seen: "unsupported", ok: false, ms: 0 }];
      }
    }),
  );
  return perBucket.flat();
}
