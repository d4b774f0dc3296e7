import { z } from "zod";
import { defineAdapter } from "../adapter";
import { b2SpecProblems } from "./capabilities";
import { B2Bucket } from "./index";
import { B2Settings, credentialIssues } from "./settings";

export const b2Adapter = defineAdapter({
  provider: "b2",
  settings: B2Settings,
  // A deployment needs the account credentials in the environment, where the providers read them;
  // a preview registers nothing with B2, so it may run without them (CI policy previews).
  environmentProblems: (_settings, dryRun) => (dryRun ? [] : credentialIssues().map((i) => `storage:b2: ${i}`)),
  bucketOptions: z.strictObject({}),
  specProblems: (logical, spec) => b2SpecProblems(logical, spec),
  bucket: ({ logical, bucketName, spec, settings, stack }, opts) => new B2Bucket(logical, { bucketName, spec, settings, stack }, opts),
});
