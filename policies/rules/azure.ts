/** Azure Blob (azure-native): storage accounts, containers and blob service properties. */
import { wildcardWriteRules } from "../cors";
import { mustBe, resourcePolicy, type StoragePolicy } from "../policy";
import { asBool, at, isUnknown, knownStrings } from "../props";
import { AZURE, HISTORY_ADVISORY, HISTORY_RULE } from "./types";

const TLS_OK = ["TLS1_2", "TLS1_3"];

/** SAS letters a service SAS cannot narrow to the current version (it has no version scope). */
const VERSION_LETTERS = new Map([
  ["r", "r reads any version (versionid=)"],
  ["l", "l lists versions (include=versions)"],
]);

export const azurePolicies: StoragePolicy[] = [
  resourcePolicy({
    name: "azure-storage-no-blob-public-access",
    summary: "Storage accounts must set allowBlobPublicAccess to false (older API versions default to true).",
    controls: ["CIS Azure 3.7", "CKV_AZURE_190"],
    providers: ["azure"],
    guard: "public-access",
    types: [...AZURE.account],
    check: (p) => mustBe("allowBlobPublicAccess", asBool(p.allowBlobPublicAccess), false, "not set"),
  }),
  resourcePolicy({
    name: "azure-container-private",
    summary: 'Blob containers must have publicAccess "None" (no anonymous Blob or Container access).',
    controls: ["CIS Azure 3.7", "CKV_AZURE_34"],
    providers: ["azure"],
    guard: "public-access",
    types: [...AZURE.container],
    check: (p) => (isUnknown(p.publicAccess) || p.publicAccess === undefined || p.publicAccess === "None" ? [] : [`publicAccess is "${String(p.publicAccess)}"; it must be "None"`]),
  }),
  resourcePolicy({
    name: "azure-storage-min-tls",
    summary: "Storage accounts must require TLS 1.2 or newer (minimumTlsVersion TLS1_2).",
    controls: ["CIS Azure 3.15", "CKV_AZURE_44"],
    providers: ["azure"],
    guard: "encryption",
    types: [...AZURE.account],
    check: (p) => {
      const v = p.minimumTlsVersion;
      return isUnknown(v) || (typeof v === "string" && TLS_OK.includes(v)) ? [] : [`minimumTlsVersion is ${v === undefined ? "not set (TLS1_0 on older accounts)" : JSON.stringify(v)}; it must be "TLS1_2"`];
    },
  }),
  resourcePolicy({
    name: "azure-storage-https-only",
    summary: "Storage accounts must accept HTTPS only (enableHttpsTrafficOnly not false).",
    controls: ["CIS Azure 3.1", "CKV_AZURE_3"],
    providers: ["azure"],
    guard: "encryption",
    types: [...AZURE.account],
    check: (p) => (asBool(p.enableHttpsTrafficOnly) === false ? ["enableHttpsTrafficOnly is false: plain HTTP is accepted"] : []),
  }),
  resourcePolicy({
    name: "azure-storage-network-default-deny",
    summary:
      'Storage accounts must set networkRuleSet.defaultAction "Deny" (or publicNetworkAccess "Disabled"), ' +
      "unless named in config publicEndpointAccounts.",
    controls: ["CIS Azure 3.8", "CKV_AZURE_35"],
    providers: ["azure"],
    guard: "public-access",
    types: [...AZURE.account],
    config: {
      publicEndpointAccounts: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "Account names whose stack file opts into defaultAction Allow (storage:azure network.defaultAction); none by default",
      },
    },
    check: (p, _type, config) => {
      if (p.publicNetworkAccess === "Disabled" || isUnknown(p.publicNetworkAccess)) return [];
      const action = at(p, "networkRuleSet", "defaultAction");
      if (isUnknown(action) || action === "Deny") return [];
      if (typeof p.accountName === "string" && knownStrings(config.publicEndpointAccounts).includes(p.accountName)) return [];
      const shown = action === undefined ? "not set (Allow)" : JSON.stringify(action);
      return [`networkRuleSet.defaultAction is ${shown}: the endpoint takes requests from any network; it must be "Deny"`];
    },
  }),
  resourcePolicy({
    name: "azure-storage-infrastructure-encryption",
    summary: "Storage accounts should set encryption.requireInfrastructureEncryption (a second AES-256 layer under service encryption).",
    controls: ["CIS Azure 3.2"],
    providers: ["azure"],
    guard: "hardening",
    advisory: "Azure sets it only when an account is created: turning it on replaces the account and the data in it",
    types: [...AZURE.account],
    check: (p) =>
      mustBe("encryption.requireInfrastructureEncryption", asBool(at(p, "encryption", "requireInfrastructureEncryption")), true, "not set (false)"),
  }),
  resourcePolicy({
    name: "azure-blob-cors-no-wildcard-write",
    summary: 'Blob service CORS rules must not let origin "*" use write methods (PUT, POST, DELETE, MERGE, PATCH).',
    controls: ["OWASP ASVS 4.0.3 V14.5.3"],
    providers: ["azure"],
    guard: "hardening",
    types: [...AZURE.blobService],
    check: (p) => wildcardWriteRules(at(p, "cors", "corsRules"), "cors.corsRules", (r) => [at(r, "allowedOrigins"), at(r, "allowedMethods")]),
  }),
  resourcePolicy({
    name: "azure-blob-soft-delete",
    summary: "Blob service properties must enable soft delete for blobs and for containers.",
    controls: ["CIS Azure 3.11", "CKV2_AZURE_38"],
    providers: ["azure"],
    guard: "data-protection",
    types: [...AZURE.blobService],
    check: (p) =>
      ["deleteRetentionPolicy", "containerDeleteRetentionPolicy"]
        .filter((f) => {
          const enabled = asBool(at(p, f, "enabled"));
          return !isUnknown(enabled) && enabled !== true;
        })
        .map((f) => `${f}.enabled is not true: deleted data cannot be recovered`),
  }),
  resourcePolicy({
    name: "azure-sas-blob-versions",
    summary: "Service SAS permissions r and l also reach previous blob versions; a SAS has no version scope.",
    controls: [HISTORY_RULE],
    providers: ["azure"],
    guard: "data-protection",
    advisory: HISTORY_ADVISORY,
    types: [...AZURE.storedAccessPolicy],
    check: (p) => {
      if (typeof p.permissions !== "string" || isUnknown(p.permissions)) return [];
      const found = [...p.permissions].flatMap((l) => VERSION_LETTERS.get(l) ?? []);
      if (!found.length) return [];
      return [`permissions "${p.permissions}": ${found.join(", ")}; a SAS cannot keep a key from old versions`];
    },
  }),
];
