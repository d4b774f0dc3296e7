import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { defineAdapter } from "../adapter";
import { b2SpecProblems } from "./capabilities";
import { B2Bucket } from "./index";
import { B2Settings, credentialProblems } from "./settings";

export const b2Adapter = defineAdapter({
  provider: "b2",
  settings: B2Settings,
  bucketOptions: z.strictObject({}),
  specProblems: (logical, spec, _options, settings) => [
    ...b2SpecProblems(logical, spec),
    // A preview registers nothing with B2, so it may run without account credentials (CI policy
    // previews); a deployment may not.
    ...(pulumi.runtime.isDryRun() ? [] : credentialProblems(settings)),
  ],
  bucket: ({ logical, bucketName, spec, settings, stack }, opts) => new B2Bucket(logical, { bucketName, spec, settings, stack }, opts),
});
