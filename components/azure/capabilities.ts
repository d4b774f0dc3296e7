/**
 * What a BucketSpec asks for that Azure Blob cannot do (or this component does not map), as
 * config errors naming the path. Checked before any resource is registered.
 */
import type { BucketSpec } from "../spec";
import { containerNameProblem, parseKeyVaultKeyUrl } from "./names";
import { keyOptionsOf, type AzureBucketOptions } from "./options";
import type { AzureSettings } from "./settings";

/**
 * What Azure cannot express of the history rule (issue 19: application keys never list, read or
 * delete non-current versions, nor change retention or holds), for the README.
 */
export const AZURE_HISTORY_LIMITS =
  "An Azure SAS cannot keep a key from previous blob versions: r reads any version (versionid=) and l lists " +
  "them (include=versions). It cannot destroy them: keys never get x (delete a version), y (permanent " +
  "delete) or i (immutability policy, legal hold), deleting the current blob keeps it as a previous version, " +
  "and soft delete (options.softDeleteDays) keeps deleted blobs restorable. Identity keys use the built-in " +
  "Reader or Contributor role, which read and list versions too and carry none of those actions.";

/** Azure allows at most five stored access policies per container. */
export const MAX_STORED_POLICIES = 5;
/** Azure allows at most five CORS rules per blob service. */
export const MAX_CORS_RULES = 5;
/** Azure garbage-collects uncommitted blocks after 7 days by itself. */
export const UNCOMMITTED_BLOCK_DAYS = 7;

export function azureSpecProblems(logical: string, spec: BucketSpec, options: AzureBucketOptions, settings: AzureSettings): string[] {
  const at = (path: string) => `storage:buckets.${logical}${path}`;
  const problems: string[] = [];

  // The logical name becomes the container name (plus stack and hash), so it must already be legal.
  const nameProblem = containerNameProblem(logical.padEnd(3, "0"));
  if (nameProblem) problems.push(`${at("")}: the bucket name becomes the container name, which ${nameProblem}`);

  if (spec.objectLock) {
    problems.push(`${at(".objectLock")}: not supported on Azure by this component (version-level immutability policies are not mapped); remove it or use another provider`);
  }
  if (spec.encryption.kind === "kms") {
    if (!parseKeyVaultKeyUrl(spec.encryption.keyId)) {
      problems.push(`${at(".encryption.keyId")}: must be a Key Vault key URL such as https://myvault.vault.azure.net/keys/storage-cmk`);
    }
    if (!settings.cmkIdentityId) {
      problems.push(`storage:azure.cmkIdentityId: required for ${at(".encryption")} kind kms (the identity that unwraps the key)`);
    }
  }
  if (spec.cors.length > MAX_CORS_RULES) problems.push(`${at(".cors")}: Azure allows at most ${MAX_CORS_RULES} CORS rules`);
  spec.lifecycle.forEach((rule, i) => {
    if (rule.abortIncompleteUploadDays !== undefined && rule.abortIncompleteUploadDays < UNCOMMITTED_BLOCK_DAYS) {
      problems.push(
        `${at(`.lifecycle[${i}].abortIncompleteUploadDays`)}: Azure discards uncommitted blocks after ${UNCOMMITTED_BLOCK_DAYS} days and cannot do it sooner; use ${UNCOMMITTED_BLOCK_DAYS} or more`,
      );
    }
  });

  // Read defensively: upload limits are a newer spec field.
  const uploads = (spec as { uploads?: unknown[] }).uploads ?? [];
  if (uploads.length) {
    problems.push(`${at(".uploads")}: an Azure SAS cannot limit upload size or content type; remove the rules for Azure buckets or enforce them in the application`);
  }
  for (const name of Object.keys(options.keys)) {
    if (!(name in spec.keys)) problems.push(`${at(`.options.keys.${name}`)}: there is no key "${name}" in ${at(".keys")}`);
  }
  let storedPolicies = 0;
  for (const [name, key] of Object.entries(spec.keys)) {
    if (keyOptionsOf(options, name).mode !== "sas") continue;
    if (key.prefixes.length) {
      problems.push(
        `${at(`.keys.${name}.prefixes`)}: a service SAS covers the whole container and cannot be limited to a prefix; use prefixes: [] or options.keys.${name}.mode: identity (role assignment with an ABAC path condition)`,
      );
    }
    storedPolicies += key.generation > 1 && !key.retirePrevious ? 2 : 1;
  }
  // A rotation creates the new generation's policy before deleting the oldest: keep one slot free.
  if (storedPolicies > MAX_STORED_POLICIES - 1) {
    problems.push(
      `${at(".keys")}: SAS keys need ${storedPolicies} stored access policies; Azure allows ${MAX_STORED_POLICIES} per container and a rotation needs one free, so at most ${MAX_STORED_POLICIES - 1} (set retirePrevious or use fewer SAS keys)`,
    );
  }
  return problems;
}
