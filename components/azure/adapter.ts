import * as pulumi from "@pulumi/pulumi";
import { defineAdapter } from "../adapter";
import { azureSpecProblems } from "./capabilities";
import { AzureBucket } from "./index";
import { storageAccountName } from "./names";
import { AzureBucketOptions } from "./options";
import { AzureSettings } from "./settings";

export const azureAdapter = defineAdapter({
  provider: "azure",
  settings: AzureSettings,
  bucketOptions: AzureBucketOptions,
  specProblems: (logical, spec, options, settings) => azureSpecProblems(logical, spec, options, settings),
  bucket: ({ logical, bucketName, spec, settings, options, stack }, opts) =>
    new AzureBucket(
      logical,
      { bucketName, accountName: options.accountName ?? storageAccountName(settings.accountPrefix, pulumi.getProject(), stack, logical), spec, settings, options },
      opts,
    ),
});
