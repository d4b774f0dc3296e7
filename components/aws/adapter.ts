import { defineAdapter } from "../adapter";
import { awsSpecProblems } from "./capabilities";
import { AwsBucket } from "./index";
import { AwsBucketOptions } from "./options";
import { AwsSettings } from "./settings";

export const awsAdapter = defineAdapter({
  provider: "aws",
  settings: AwsSettings,
  bucketOptions: AwsBucketOptions,
  specProblems: (logical, spec, options, settings) => awsSpecProblems(logical, spec, options, settings),
  bucket: ({ logical, bucketName, spec, settings, options, stack }, opts) => new AwsBucket(logical, { bucketName, spec, settings, options, stack }, opts),
});
