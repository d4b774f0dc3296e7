/**
 * AzureBucket: one hardened storage account per bucket, holding one private container, with
 * scoped keys, from a BucketSpec.
 *
 * An account per bucket because the knobs the spec sets per bucket (CORS, versioning, soft
 * delete, shared-key access, firewall) are account- or blob-service-wide on Azure.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as monitor from "@pulumi/azure-native/monitor";
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES } from "../component-types";
import type { BucketContract, ContractInput, IdentityKeyContract, KeyContract, StaticKeyContract } from "../contract";
import { staticKey } from "../key-slots";
import { guardOptions, retainOptions } from "../retain";
import type { BucketSpec, KeySpec } from "../spec";
import { abacCondition, roleFor, sasPermissions } from "./grants";
import { managementPolicyRules } from "./lifecycle";
import { ACCOUNT_NAME, containerNameProblem, parseKeyVaultKeyUrl, stableGuid, storedPolicyId } from "./names";
import { keyOptionsOf, type AzureBucketOptions, type AzureKeyOptions } from "./options";
import { StoredAccessPolicy } from "./resources";
import { sasValiditySeconds } from "./sas-lifetime";
import type { AzureSettings } from "./settings";

/** Built-in role "Storage Blob Delegator": only Microsoft.Storage/.../generateUserDelegationKey/action. */
export const STORAGE_BLOB_DELEGATOR = "db58b8e5-c6ad-4a2a-8342-4190687cbf4a";

export { AzureSettings } from "./settings";
export { AzureBucketOptions } from "./options";
export { StoredAccessPolicy } from "./resources";

export interface AzureBucketArgs {
  /** Container name (the stack-unique physical bucket name). */
  bucketName: string;
  /** Storage account name (options.accountName or the derived one, see names.ts). */
  accountName: string;
  spec: BucketSpec;
  settings: AzureSettings;
  options: AzureBucketOptions;
}

/** The audit log categories of the blob service (who read, wrote, deleted what, when, from where). */
export const AUDIT_CATEGORIES = ["StorageRead", "StorageWrite", "StorageDelete"] as const;

/** `d.hh:mm:ss`, the period format of the account SAS policy. */
export function sasPeriod(seconds: number): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const d = Math.floor(seconds / 86_400);
  const rest = seconds % 86_400;
  return `${d}.${pad(Math.floor(rest / 3600))}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
}

export class AzureBucket extends pulumi.ComponentResource {
  readonly account: storage.StorageAccount;
  readonly container: storage.BlobContainer;
  /**
   * This bucket's entry in the `storage` stack output. Not a registered component output: the
   * stack output holds it, and a second copy in the state would be rewritten on every checkpoint.
   */
  readonly contract: ContractInput<BucketContract>;

  constructor(name: string, args: AzureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT_TYPES.azure, name, {}, opts);
    const { spec, settings, options, bucketName, accountName } = args;
    if (spec.provider !== "azure") throw new Error(`AzureBucket "${name}": spec.provider is "${spec.provider}", expected "azure"`);
    const badContainer = containerNameProblem(bucketName);
    if (badContainer) throw new Error(`AzureBucket "${name}": container name "${bucketName}" ${badContainer}`);
    if (!ACCOUNT_NAME.test(accountName)) throw new Error(`AzureBucket "${name}": storage account name "${accountName}" must be 3-24 lowercase letters and digits`);

    const sasKeys = Object.keys(spec.keys).filter((k) => keyOptionsOf(options, k).mode === "sas").sort();
    const { resourceGroupName, location, network } = settings;
    // The retain rule (spec.ts): the account and the container hold the data.
    const keep = retainOptions(spec);

    // Private endpoints only, unless the firewall names who may use the public endpoint.
    const publicEndpoint = network.defaultAction === "Allow" || network.ipRules.length > 0 || network.subnetIds.length > 0;
    const cmk = spec.encryption.kind === "kms" ? parseKeyVaultKeyUrl(spec.encryption.keyId) : undefined;
    if (spec.encryption.kind === "kms" && (!cmk || !settings.cmkIdentityId)) {
      throw new Error(`AzureBucket "${name}": encryption.keyId must be a Key Vault key URL and storage:azure.cmkIdentityId must be set`);
    }
    const encryptedService = { enabled: true, keyType: "Account" };

    this.account = new storage.StorageAccount(
      `${name}-account`,
      {
        resourceGroupName,
        location,
        accountName,
        kind: "StorageV2",
        sku: { name: settings.skuName },
        accessTier: "Hot",
        allowBlobPublicAccess: false,
        minimumTlsVersion: "TLS1_2",
        enableHttpsTrafficOnly: true,
        // Service SAS needs the account key; identities never do. Off unless a SAS key exists.
        allowSharedKeyAccess: sasKeys.length > 0,
        defaultToOAuthAuthentication: true,
        allowCrossTenantReplication: false,
        allowedCopyScope: "AAD",
        isLocalUserEnabled: false,
        isSftpEnabled: false,
        isHnsEnabled: false,
        publicNetworkAccess: publicEndpoint ? "Enabled" : "Disabled",
        networkRuleSet: {
          defaultAction: network.defaultAction,
          bypass: network.bypass.length ? network.bypass.join(", ") : "None",
          ipRules: network.ipRules.map((ip) => ({ iPAddressOrRange: ip, action: "Allow" as const })),
          virtualNetworkRules: network.subnetIds.map((id) => ({ virtualNetworkResourceId: id, action: "Allow" as const })),
        },
        encryption: {
          requireInfrastructureEncryption: true,
          services: { blob: encryptedService, file: encryptedService, queue: encryptedService, table: encryptedService },
          ...(cmk
            ? { keySource: "Microsoft.Keyvault", keyVaultProperties: cmk, encryptionIdentity: { encryptionUserAssignedIdentity: settings.cmkIdentityId } }
            : { keySource: "Microsoft.Storage" }),
        },
        ...(cmk ? { identity: { type: "UserAssigned", userAssignedIdentities: [settings.cmkIdentityId!] } } : {}),
        // Reminders, logged by Azure: rotate account keys within 90 days; no ad-hoc SAS outlives the spec's TTLs.
        keyPolicy: { keyExpirationPeriodInDays: 90 },
        sasPolicy: { sasExpirationPeriod: sasPeriod(Math.max(spec.presign.uploadSeconds, spec.presign.downloadSeconds)), expirationAction: "Log" },
        tags: {
          "secure-storage-bucket": name,
          ...(sasKeys.length ? { "secure-storage-shared-key": `required by SAS keys: ${sasKeys.join(" ")}` } : {}),
        },
      },
      { parent: this, ...keep },
    );

    const blobService = new storage.BlobServiceProperties(
      `${name}-blob-service`,
      {
        resourceGroupName,
        accountName: this.account.name,
        blobServicesName: "default",
        isVersioningEnabled: spec.versioning,
        deleteRetentionPolicy: { enabled: true, days: options.softDeleteDays, allowPermanentDelete: false },
        containerDeleteRetentionPolicy: { enabled: true, days: options.containerSoftDeleteDays },
        changeFeed: { enabled: true, retentionInDays: options.changeFeedDays },
        cors: {
          corsRules: spec.cors.map((r) => ({
            allowedOrigins: r.origins,
            allowedMethods: r.methods,
            allowedHeaders: r.headers,
            exposedHeaders: r.exposeHeaders,
            maxAgeInSeconds: r.maxAgeSeconds,
          })),
        },
      },
      { parent: this, ...guardOptions(spec) },
    );

    this.container = new storage.BlobContainer(
      `${name}-container`,
      { resourceGroupName, accountName: this.account.name, containerName: bucketName, publicAccess: "None" },
      { parent: this, ...keep, dependsOn: [blobService] },
    );

    const rules = managementPolicyRules(bucketName, spec.lifecycle, options);
    if (rules.length) {
      new storage.ManagementPolicy(
        `${name}-lifecycle`,
        { resourceGroupName, accountName: this.account.name, managementPolicyName: "default", policy: { rules } },
        { parent: this, dependsOn: [blobService] },
      );
    }

    if (settings.logAnalyticsWorkspaceId) {
      new monitor.DiagnosticSetting(
        `${name}-audit`,
        {
          name: "secure-storage-audit",
          resourceUri: pulumi.interpolate`${this.account.id}/blobServices/default`,
          workspaceId: settings.logAnalyticsWorkspaceId,
          logs: AUDIT_CATEGORIES.map((category) => ({ category, enabled: true })),
          metrics: [{ category: "Transaction", enabled: true }],
        },
        { parent: this, dependsOn: [blobService] },
      );
    }

    const serviceUrl = `https://${accountName}.blob.${settings.endpointSuffix}`;
    const idParts = this.account.id.apply((id) => id.split("/"));
    const subscriptionId = idParts.apply((p) => p[2]);
    const resourceGroupId = idParts.apply((p) => p.slice(0, 5).join("/"));

    const keys: Record<string, ContractInput<KeyContract>> = {};
    for (const [keyName, key] of Object.entries(spec.keys)) {
      const ko = keyOptionsOf(options, keyName);
      keys[keyName] =
        ko.mode === "sas"
          ? this.sasKey(name, keyName, key, ko, { serviceUrl, accountName, bucketName, accountId: this.account.id })
          : this.identityKey(name, keyName, key, ko, { accountName, bucketName, subscriptionId, resourceGroupId });
    }

    this.contract = {
      provider: "azure",
      bucket: this.container.name,
      region: location,
      endpoint: serviceUrl,
      presign: spec.presign,
      cors: spec.cors,
      keys,
    };
    this.registerOutputs({});
  }

  /** Two slots: a stored access policy + SAS for the current generation, and the previous one until retired. */
  private sasKey(
    name: string,
    keyName: string,
    key: KeySpec,
    ko: AzureKeyOptions,
    at: { serviceUrl: string; accountName: string; bucketName: string; accountId: pulumi.Output<string> },
  ): ContractInput<StaticKeyContract> {
    const slot = (generation: number) =>
      new StoredAccessPolicy(
        `${name}-${keyName}-g${generation}`,
        {
          serviceUrl: at.serviceUrl,
          accountName: at.accountName,
          containerName: this.container.name,
          policyId: storedPolicyId(keyName, generation),
          permissions: sasPermissions(key.access),
          validitySeconds: sasValiditySeconds(ko.sasValidityDays),
          // Not the key: the provider looks it up when it runs, so it is never stored in state.
          accountId: at.accountId,
        },
        { parent: this, dependsOn: [this.container] },
      );
    return staticKey(key, slot, (p) => ({ id: p.policyId, secret: p.sasToken, expiresAt: p.expiresOn }));
  }

  /**
   * An Entra ID principal authenticates with its own tokens, so there is no credential to rotate:
   * one role assignment on the container, limited by an ABAC condition to the key's prefixes and
   * data actions. The contract names the principal; there is no secret.
   */
  private identityKey(
    name: string,
    keyName: string,
    key: KeySpec,
    ko: AzureKeyOptions,
    at: { accountName: string; bucketName: string; subscriptionId: pulumi.Output<string>; resourceGroupId: pulumi.Output<string> },
  ): ContractInput<IdentityKeyContract> {
    const role = roleFor(key.access);
    const roleGuid = role.kind === "builtin" ? role.guid : stableGuid(`role/${at.accountName}/${at.bucketName}/${keyName}/${role.dataActions.join(",")}`);
    let customRole: authorization.RoleDefinition | undefined;
    if (role.kind === "custom") {
      customRole = new authorization.RoleDefinition(
        `${name}-${keyName}-role`,
        {
          roleDefinitionId: roleGuid,
          roleName: `secure-storage ${at.accountName}/${at.bucketName} ${keyName} (${key.access.join(", ")})`,
          description: `Blob data actions for key "${keyName}" of container ${at.bucketName}: ${key.access.join(", ")} only`,
          roleType: "CustomRole",
          scope: at.resourceGroupId,
          assignableScopes: [at.resourceGroupId],
          permissions: [{ actions: [], notActions: [], dataActions: role.dataActions, notDataActions: [] }],
        },
        { parent: this },
      );
    }
    const condition = abacCondition(key);
    new authorization.RoleAssignment(
      `${name}-${keyName}-assignment`,
      {
        roleAssignmentName: stableGuid(`assignment/${at.accountName}/${at.bucketName}/${keyName}/${ko.principalId}/${roleGuid}`),
        scope: this.container.id,
        principalId: ko.principalId!,
        principalType: ko.principalType,
        roleDefinitionId: pulumi.interpolate`/subscriptions/${at.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
        description: `secure-storage key "${keyName}": ${key.access.join(", ")} on ${key.prefixes.length ? key.prefixes.join(" ") : "the whole container"}`,
        ...(condition ? { condition, conditionVersion: "2.0" } : {}),
      },
      { parent: this, ...(customRole ? { dependsOn: [customRole] } : {}) },
    );
    if (ko.userDelegationSas) {
      // generateUserDelegationKey only: the SAS it signs is capped by the assignment above.
      new authorization.RoleAssignment(
        `${name}-${keyName}-delegator`,
        {
          roleAssignmentName: stableGuid(`delegator/${at.accountName}/${keyName}/${ko.principalId}`),
          scope: this.account.id,
          principalId: ko.principalId!,
          principalType: ko.principalType,
          roleDefinitionId: pulumi.interpolate`/subscriptions/${at.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${STORAGE_BLOB_DELEGATOR}`,
          description: `secure-storage key "${keyName}": may mint user delegation SAS, limited to its container role`,
        },
        { parent: this },
      );
    }
    return {
      kind: "identity",
      access: key.access,
      prefixes: key.prefixes,
      principalId: ko.principalId!,
      userDelegationSas: ko.userDelegationSas,
    };
  }
}
