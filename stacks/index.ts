/**
 * The Pulumi program: config -> validated StorageSpec -> one component per bucket -> `storage`.
 * Config is validated first, so a bad field fails the update before anything is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import type { BucketContract, ContractInput, StorageContract } from "../components/contract";
import { MinioBucket, MinioServerCors, minioConnection } from "../components/minio";
import { physicalBucketName } from "../components/naming";
import { readStackConfig } from "./config";

export function program(): { storage: ContractInput<StorageContract> } {
  const { spec, minio } = readStackConfig();
  const project = pulumi.getProject();
  const stack = pulumi.getStack();
  const contracts: Record<string, ContractInput<BucketContract>> = {};

  for (const [logical, bucket] of Object.entries(spec.buckets)) {
    const bucketName = physicalBucketName(project, stack, logical);
    switch (bucket.provider) {
      case "minio":
        contracts[logical] = new MinioBucket(logical, { bucketName, spec: bucket, settings: minio! }).contract;
        break;
      default:
        throw new Error(`storage:buckets.${logical}.provider: "${bucket.provider}" is not deployable from this program yet`);
    }
  }

  const minioBuckets = Object.values(spec.buckets).filter((b) => b.provider === "minio");
  if (minio && minioBuckets.length) {
    // One server-wide origin list: the union of every MinIO bucket's CORS origins.
    const origins = [...new Set(minioBuckets.flatMap((b) => b.cors.flatMap((r) => r.origins)))].sort();
    new MinioServerCors("minio-server-cors", { conn: minioConnection(minio), origins });
  }

  return { storage: { buckets: contracts } };
}
