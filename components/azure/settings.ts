/** `storage:azure` stack config: where Azure buckets live and the stack-wide hardening knobs. */
import { z } from "zod";

const armId = (what: string, pattern: RegExp) =>
  z.string().regex(pattern, `must be the ARM resource id of a ${what}`);

const SUBNET_ID = /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i;
const WORKSPACE_ID = /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i;
const IDENTITY_ID = /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i;
/** Azure's firewall takes public IPv4 addresses or CIDR ranges /0-/30 (no /31, /32: use the address). */
const IP_RULE = /^(\d{1,3}\.){3}\d{1,3}(\/([0-9]|[12][0-9]|30))?$/;

export const AzureNetwork = z.strictObject({
  /**
   * What the public endpoint does with traffic no rule matches. Deny is the default; Allow is the
   * explicit, named weakening for buckets browsers reach directly (SAS downloads from anywhere).
   */
  defaultAction: z
    .enum(["Deny", "Allow"])
    .default("Deny")
    .describe("What the public endpoint does with traffic no rule matches; Allow is the named weakening for browsers"),
  ipRules: z
    .array(z.string().refine((ip) => IP_RULE.test(ip) && ip.split("/")[0].split(".").every((o) => Number(o) <= 255), "must be an IPv4 address or CIDR range up to /30"))
    .default([])
    .describe("Public IPv4 addresses or CIDR ranges (up to /30) the firewall lets in"),
  subnetIds: z
    .array(armId("subnet", SUBNET_ID))
    .default([])
    .describe("Subnets (ARM ids, via service endpoints) the firewall lets in"),
  /** Trusted Azure services that may pass the firewall (none unless named). */
  bypass: z
    .array(z.enum(["AzureServices", "Logging", "Metrics"]))
    .default([])
    .describe("Trusted Azure services that may pass the firewall; none unless named"),
});
export type AzureNetwork = z.infer<typeof AzureNetwork>;

export const AzureSettings = z.strictObject({
  resourceGroupName: z
    .string()
    .regex(/^[-\w.()]{1,89}[-\w()]$/, "must be 1-90 characters of letters, digits, - _ . ( ) and not end with '.'")
    .describe("Existing resource group that holds every storage account"),
  location: z
    .string()
    .regex(/^[a-z0-9]+$/, 'must be an Azure region name such as "westeurope"')
    .describe("Azure region of the storage accounts, e.g. westeurope"),
  /** Storage account names are `<accountPrefix><bucket><6 hex>` (max 24 chars) unless a bucket sets options.accountName. */
  accountPrefix: z
    .string()
    .regex(/^[a-z][a-z0-9]{1,7}$/, "must be 2-8 lowercase letters and digits, starting with a letter")
    .default("ss")
    .describe("Derived account names: `<prefix><bucket><6 hex>`, at most 24 chars (per bucket: options.accountName)"),
  /** DNS suffix of the cloud: core.windows.net (public), core.chinacloudapi.cn, core.usgovcloudapi.net. */
  endpointSuffix: z
    .string()
    .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, "must be a DNS suffix such as core.windows.net")
    .default("core.windows.net")
    .describe("DNS suffix of the cloud: core.windows.net (public), core.chinacloudapi.cn, core.usgovcloudapi.net"),
  skuName: z
    .enum(["Standard_LRS", "Standard_ZRS", "Standard_GRS", "Standard_GZRS", "Standard_RAGRS", "Standard_RAGZRS"])
    .default("Standard_ZRS")
    .describe("Redundancy of the accounts; zone-redundant by default, so losing one zone loses no data"),
  /** Log Analytics workspace that receives StorageRead/Write/Delete audit logs (no audit logs without one). */
  logAnalyticsWorkspaceId: armId("Log Analytics workspace", WORKSPACE_ID)
    .optional()
    .describe("Log Analytics workspace for the StorageRead/Write/Delete audit logs; unset = no audit logs"),
  /** User-assigned identity that may unwrap the Key Vault key (required for `encryption: {kind: kms}`). */
  cmkIdentityId: armId("user-assigned managed identity", IDENTITY_ID)
    .optional()
    .describe("User-assigned identity that may unwrap the Key Vault key; required for encryption kind kms"),
  network: AzureNetwork.default({ defaultAction: "Deny", ipRules: [], subnetIds: [], bypass: [] }).describe(
    "Storage firewall of every account: only what a rule names gets in",
  ),
});
export type AzureSettings = z.infer<typeof AzureSettings>;
export type AzureSettingsInput = z.input<typeof AzureSettings>;
