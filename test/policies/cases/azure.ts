import type { ResourceCase } from "../harness";
import { U, PREVIEW } from "../harness";

const ACCOUNT = "azure-native:storage:StorageAccount";
const SERVICE = "azure-native:storage:BlobServiceProperties";
const SAS = "secure-storage:azure:StoredAccessPolicy";
const secure = {
  ...{ accountName: "acct", resourceGroupName: "rg", kind: "StorageV2", sku: { name: "Standard_ZRS" }, allowBlobPublicAccess: false, minimumTlsVersion: "TLS1_2" },
  ...{ enableHttpsTrafficOnly: true, publicNetworkAccess: "Enabled", networkRuleSet: { defaultAction: "Deny", bypass: "None" }, encryption: { requireInfrastructureEncryption: true } },
};
const allow = { ...secure, networkRuleSet: { defaultAction: "Allow", bypass: "None" } };
const softDelete = { deleteRetentionPolicy: { enabled: true, days: 7 }, containerDeleteRetentionPolicy: { enabled: true, days: 7 } };

export const azureCases: ResourceCase[] = [
  { policy: "azure-storage-no-blob-public-access", title: "explicitly off", type: ACCOUNT, props: secure },
  { policy: "azure-storage-no-blob-public-access", title: "not set", type: ACCOUNT, props: { ...secure, allowBlobPublicAccess: undefined }, bad: [/not set/] },
  { policy: "azure-storage-no-blob-public-access", title: "on", type: ACCOUNT, props: { ...secure, allowBlobPublicAccess: true }, bad: [/is true/] },
  { policy: "azure-storage-no-blob-public-access", title: "unknown", preview: PREVIEW, type: ACCOUNT, props: { ...secure, allowBlobPublicAccess: U.bool } },
  { policy: "azure-container-private", title: "None", type: "azure-native:storage:BlobContainer", props: { accountName: "acct", publicAccess: "None" } },
  { policy: "azure-container-private", title: "Blob", type: "azure-native:storage:BlobContainer", props: { accountName: "acct", publicAccess: "Blob" }, bad: [/"Blob"/] },
  { policy: "azure-container-private", title: "Container", type: "azure-native:storage:BlobContainer", props: { accountName: U.string, publicAccess: "Container" }, bad: [/"Container"/] },
  { policy: "azure-storage-min-tls", title: "TLS1_2", type: ACCOUNT, props: secure },
  { policy: "azure-storage-min-tls", title: "TLS1_1", type: ACCOUNT, props: { ...secure, minimumTlsVersion: "TLS1_1" }, bad: [/"TLS1_1"/] },
  { policy: "azure-storage-min-tls", title: "not set", type: ACCOUNT, props: { ...secure, minimumTlsVersion: undefined }, bad: [/not set/] },
  { policy: "azure-storage-https-only", title: "default (not set)", type: ACCOUNT, props: { ...secure, enableHttpsTrafficOnly: undefined } },
  { policy: "azure-storage-https-only", title: "HTTP allowed", type: ACCOUNT, props: { ...secure, enableHttpsTrafficOnly: false }, bad: [/plain HTTP/] },
  {
    policy: "azure-blob-cors-no-wildcard-write",
    title: "app origin",
    type: SERVICE,
    props: { ...softDelete, cors: { corsRules: [{ allowedOrigins: ["https://app.example.com"], allowedMethods: ["GET", "PUT"], allowedHeaders: ["*"], exposedHeaders: ["ETag"], maxAgeInSeconds: 600 }] } },
  },
  {
    policy: "azure-blob-cors-no-wildcard-write",
    title: "* with MERGE",
    type: SERVICE,
    props: { ...softDelete, cors: { corsRules: [{ allowedOrigins: ["*"], allowedMethods: ["GET", "MERGE"], allowedHeaders: [], exposedHeaders: [], maxAgeInSeconds: 0 }] } },
    bad: [/cors.corsRules\[0\].*MERGE/],
  },
  { policy: "azure-blob-soft-delete", title: "both on", type: SERVICE, props: softDelete },
  { policy: "azure-blob-soft-delete", title: "container retention unknown", preview: PREVIEW, type: SERVICE, props: { ...softDelete, containerDeleteRetentionPolicy: U.object } },
  { policy: "azure-blob-soft-delete", title: "blob soft delete off, container not set", type: SERVICE, props: { deleteRetentionPolicy: { enabled: false } }, bad: [/^deleteRetentionPolicy/, /^containerDeleteRetentionPolicy/] },
  // Issue 21: network firewall and infrastructure encryption.
  { policy: "azure-storage-network-default-deny", title: "Deny", type: ACCOUNT, props: secure },
  { policy: "azure-storage-network-default-deny", title: "Allow", type: ACCOUNT, props: allow, bad: [/defaultAction is "Allow": the endpoint takes requests from any network/] },
  { policy: "azure-storage-network-default-deny", title: "no networkRuleSet (Allow)", type: ACCOUNT, props: { ...secure, networkRuleSet: undefined }, bad: [/defaultAction is not set \(Allow\)/] },
  { policy: "azure-storage-network-default-deny", title: "Allow but no public endpoint", type: ACCOUNT, props: { ...allow, publicNetworkAccess: "Disabled" } },
  { policy: "azure-storage-network-default-deny", title: "Allow, account named in config", type: ACCOUNT, props: allow, config: { publicEndpointAccounts: ["acct"] } },
  { policy: "azure-storage-network-default-deny", title: "Allow, another account named in config", type: ACCOUNT, props: allow, config: { publicEndpointAccounts: ["other"] }, bad: [/"Allow"/] },
  { policy: "azure-storage-network-default-deny", title: "defaultAction unknown", preview: PREVIEW, type: ACCOUNT, props: { ...secure, networkRuleSet: { defaultAction: U.string } } },
  { policy: "azure-storage-infrastructure-encryption", title: "on", type: ACCOUNT, props: secure },
  { policy: "azure-storage-infrastructure-encryption", title: "encryption not set", type: ACCOUNT, props: { ...secure, encryption: undefined }, bad: [/requireInfrastructureEncryption is not set \(false\)/] },
  { policy: "azure-storage-infrastructure-encryption", title: "off", type: ACCOUNT, props: { ...secure, encryption: { requireInfrastructureEncryption: false } }, bad: [/is false; it must be true/] },
  // Issue 19: a service SAS has no version scope.
  { policy: "azure-sas-blob-versions", title: "write-only SAS", type: SAS, props: { policyId: "w", permissions: "cw" } },
  {
    policy: "azure-sas-blob-versions",
    title: "read and list SAS",
    type: SAS,
    props: { policyId: "rl-g1", permissions: "rl" },
    bad: [/^permissions "rl": r reads any version \(versionid=\), l lists versions/],
  },
  { policy: "azure-sas-blob-versions", title: "permissions unknown", preview: PREVIEW, type: SAS, props: { policyId: "x", permissions: U.string } },
];
