import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { defineAdapter } from "../adapter";
import { b2SpecProblems } from "./capabilities";
import { B2Bucket } from "./index";
import { B2Settings, credentialIssues } from "./settings";

/**
 * `storage:b2` as the program reads it: a deployment also needs the account credentials (from
 * config or the environment), reported once at `storage:b2.<field>`. A preview registers nothing
 * with B2, so it may run without them (CI policy previews).
 */
export const B2StackSettings = B2Settings.superRefine((settings, ctx) => {
  if (pulumi.runtime.isDryRun()) return;
  for (const issue of credentialIssues(settings)) ctx.addIssue({ code: "custom", path: [issue.field], message: issue.message });
});

export const b2Adapter = defineAdapter({
  provider: "b2",
  settings: B2StackSettings,
  bucketOptions: z.strictObject({}),
  specProblems: (logical, spec) => b2SpecProblems(logical, spec),
  bucket: ({ logical, bucketName, spec, settings, stack }, opts) => new B2Bucket(logical, { bucketName, spec, settings, stack }, opts),
});
