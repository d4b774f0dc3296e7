import type { ResourceCase } from "../harness";
import { U, PREVIEW } from "../harness";

export const commonCases: ResourceCase[] = [
  { policy: "storage-no-force-destroy", title: "S3 without forceDestroy", type: "aws:s3/bucket:Bucket", props: { bucket: "b" } },
  { policy: "storage-no-force-destroy", title: "MinIO forceDestroy unknown", preview: PREVIEW, type: "secure-storage:minio:Bucket", props: { bucket: "b", forceDestroy: U.bool } },
  { policy: "storage-no-force-destroy", title: "GCS forceDestroy", type: "gcp:storage/bucket:Bucket", props: { name: "b", forceDestroy: true }, bad: [/forceDestroy is true/] },
  { policy: "storage-no-force-destroy", title: "MinIO forceDestroy", type: "secure-storage:minio:Bucket", props: { bucket: "b", forceDestroy: true }, bad: [/forceDestroy is true/] },
];
