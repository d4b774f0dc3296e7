/** Rules that read the same way on every provider that has the setting. */
import { resourcePolicy, type StoragePolicy } from "../policy";
import { asBool } from "../props";
import { AWS, GCP, MINIO, MINIO_PKG } from "./types";

export const commonPolicies: StoragePolicy[] = [
  resourcePolicy({
    name: "storage-no-force-destroy",
    summary: "Buckets must not set forceDestroy: deleting the stack (or replacing the bucket) would delete every object with it.",
    controls: ["project rule (no benchmark id): data protection, DESIGN.md"],
    providers: ["aws", "gcp", "minio"],
    guard: "data-protection",
    types: [...AWS.bucket, ...GCP.bucket, ...MINIO.bucket, ...MINIO_PKG.bucket],
    check: (p) => (asBool(p.forceDestroy) === true ? ["forceDestroy is true: destroying the stack deletes all objects"] : []),
  }),
];
