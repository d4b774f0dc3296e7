/** Spec lifecycle rules (plus the Azure tier-down options) as a storage management policy. */
import type * as types from "@pulumi/azure-native/types/input";
import type { LifecycleRule } from "../spec";
import type { AzureBucketOptions } from "./options";

type Rule = types.storage.ManagementPolicyRuleArgs;

/**
 * One management-policy rule per spec rule, filtered to this container (management policies are
 * account-wide, so every prefix is `<container>/<prefix>`). `abortIncompleteUploadDays` has no
 * rule: Azure discards uncommitted blocks after 7 days itself (capabilities.ts rejects less).
 */
export function managementPolicyRules(container: string, rules: LifecycleRule[], options: AzureBucketOptions): Rule[] {
  const out: Rule[] = [];
  rules.forEach((r, i) => {
    const baseBlob = r.expireDays !== undefined ? { delete: { daysAfterModificationGreaterThan: r.expireDays } } : undefined;
    const version = r.noncurrentExpireDays !== undefined ? { delete: { daysAfterCreationGreaterThan: r.noncurrentExpireDays } } : undefined;
    if (!baseBlob && !version) return;
    out.push({
      name: r.id ?? `rule-${i + 1}`,
      enabled: true,
      type: "Lifecycle",
      definition: {
        filters: { blobTypes: ["blockBlob"], prefixMatch: [`${container}/${r.prefix ?? ""}`] },
        actions: { ...(baseBlob ? { baseBlob } : {}), ...(version ? { version } : {}) },
      },
    });
  });
  const tier = {
    ...(options.tierToCoolDays !== undefined ? { tierToCool: { daysAfterModificationGreaterThan: options.tierToCoolDays } } : {}),
    ...(options.tierToColdDays !== undefined ? { tierToCold: { daysAfterModificationGreaterThan: options.tierToColdDays } } : {}),
    ...(options.tierToArchiveDays !== undefined ? { tierToArchive: { daysAfterModificationGreaterThan: options.tierToArchiveDays } } : {}),
  };
  if (Object.keys(tier).length) {
    out.push({
      name: "tier-down",
      enabled: true,
      type: "Lifecycle",
      definition: { filters: { blobTypes: ["blockBlob"], prefixMatch: [`${container}/`] }, actions: { baseBlob: tier } },
    });
  }
  return out;
}
