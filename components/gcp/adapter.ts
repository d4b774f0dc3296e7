import { defineAdapter } from "../adapter";
import { gcpSpecProblems } from "./capabilities";
import { GcsBucket, GcsDataAccessAudit } from "./index";
import { GcpSettings, GcsBucketOptions } from "./settings";

export const gcpAdapter = defineAdapter({
  provider: "gcp",
  settings: GcpSettings,
  bucketOptions: GcsBucketOptions,
  specProblems: (logical, spec, options, settings) => gcpSpecProblems(logical, spec, options, settings),
  bucket: ({ logical, bucketName, spec, settings, options, stack }, opts) => new GcsBucket(logical, { bucketName, spec, settings, options, stack }, opts),
  shared: (_buckets, settings) => {
    if (settings.dataAccessAuditLogs) new GcsDataAccessAudit("gcs-data-access-audit", { project: settings.project });
  },
});
