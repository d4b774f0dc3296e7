import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_ROLES } from "../../components/azure/grants";
import { build, installAzureMocks, invokes, ofType, one, plainInputs, SUB, unwrap } from "./azure-mocks";
import { asStaticKey } from "../../components/contract";

beforeAll(() => installAzureMocks());

const T = {
  account: "azure-native:storage:StorageAccount",
  blob: "azure-native:storage:BlobServiceProperties",
  container: "azure-native:storage:BlobContainer",
  lifecycle: "azure-native:storage:ManagementPolicy",
  diag: "azure-native:monitor:DiagnosticSetting",
  assignment: "azure-native:authorization:RoleAssignment",
  roleDef: "azure-native:authorization:RoleDefinition",
  sap: "secure-storage:azure:StoredAccessPolicy",
};
const ENCRYPTED = { enabled: true, keyType: "Account" };

describe("AzureBucket under mocks: default account and container", () => {
  it("registers exactly a hardened account, the blob service and a private container", async () => {
    const { resources, component } = await build("plain", {});
    expect(resources.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      `${T.blob} plain-blob-service`,
      `${T.container} plain-container`,
      `${T.account} plain-account`,
      "secure-storage:azure:Bucket plain",
    ].sort());
    expect(one(resources, T.account).inputs).toEqual({
      resourceGroupName: "rg-storage",
      location: "westeurope",
      accountName: "ssplainabc123",
      kind: "StorageV2",
      sku: { name: "Standard_ZRS" },
      accessTier: "Hot",
      allowBlobPublicAccess: false,
      minimumTlsVersion: "TLS1_2",
      enableHttpsTrafficOnly: true,
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
      allowCrossTenantReplication: false,
      allowedCopyScope: "AAD",
      isLocalUserEnabled: false,
      isSftpEnabled: false,
      isHnsEnabled: false,
      publicNetworkAccess: "Disabled",
      networkRuleSet: { defaultAction: "Deny", bypass: "None", ipRules: [], virtualNetworkRules: [] },
      encryption: {
        requireInfrastructureEncryption: true,
        keySource: "Microsoft.Storage",
        services: { blob: ENCRYPTED, file: ENCRYPTED, queue: ENCRYPTED, table: ENCRYPTED },
      },
      keyPolicy: { keyExpirationPeriodInDays: 90 },
      sasPolicy: { sasExpirationPeriod: "0.01:00:00", expirationAction: "Log" },
      tags: { "secure-storage-bucket": "plain" },
    });
    expect(one(resources, T.blob).inputs).toEqual({
      resourceGroupName: "rg-storage",
      accountName: "ssplainabc123",
      blobServicesName: "default",
      isVersioningEnabled: true,
      deleteRetentionPolicy: { enabled: true, days: 14, allowPermanentDelete: false },
      containerDeleteRetentionPolicy: { enabled: true, days: 14 },
      changeFeed: { enabled: true, retentionInDays: 90 },
      cors: { corsRules: [] },
    });
    expect(one(resources, T.container).inputs).toEqual({
      resourceGroupName: "rg-storage",
      accountName: "ssplainabc123",
      containerName: "plain-unit-abc123",
      publicAccess: "None",
    });
    expect(invokes.filter((i) => i.token.includes("listStorageAccountKeys"))).toEqual([]); // no SAS key, no key read
    const c = component.contract;
    expect(await unwrap(c.endpoint)).toBe("https://ssplainabc123.blob.core.windows.net");
    expect(await unwrap(c.bucket)).toBe("plain-unit-abc123");
    expect(c.provider).toBe("azure");
    expect(c.region).toBe("westeurope");
    expect(c.keys).toEqual({});
  });

  it("maps CORS, lifecycle (scoped to the container) and tier-down options", async () => {
    const { resources } = await build(
      "life",
      {
        versioning: false,
        cors: [{ origins: ["https://app.example.com"], methods: ["GET", "PUT"], headers: ["*"], exposeHeaders: ["ETag"], maxAgeSeconds: 600 }],
        lifecycle: [{ id: "tmp", prefix: "tmp/", expireDays: 7 }, { noncurrentExpireDays: 30 }, { abortIncompleteUploadDays: 7 }],
      },
      { options: { tierToCoolDays: 30, tierToArchiveDays: 180, softDeleteDays: 30 } },
    );
    expect(one(resources, T.blob).inputs).toMatchObject({
      isVersioningEnabled: false,
      deleteRetentionPolicy: { enabled: true, days: 30, allowPermanentDelete: false },
      cors: {
        corsRules: [
          { allowedOrigins: ["https://app.example.com"], allowedMethods: ["GET", "PUT"], allowedHeaders: ["*"], exposedHeaders: ["ETag"], maxAgeInSeconds: 600 },
        ],
      },
    });
    expect(one(resources, T.lifecycle).inputs).toEqual({
      resourceGroupName: "rg-storage",
      accountName: "sslifeabc123",
      managementPolicyName: "default",
      policy: {
        rules: [
          {
            name: "tmp",
            enabled: true,
            type: "Lifecycle",
            definition: { filters: { blobTypes: ["blockBlob"], prefixMatch: ["life-unit-abc123/tmp/"] }, actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: 7 } } } },
          },
          {
            name: "rule-2",
            enabled: true,
            type: "Lifecycle",
            definition: { filters: { blobTypes: ["blockBlob"], prefixMatch: ["life-unit-abc123/"] }, actions: { version: { delete: { daysAfterCreationGreaterThan: 30 } } } },
          },
          {
            name: "tier-down",
            enabled: true,
            type: "Lifecycle",
            definition: {
              filters: { blobTypes: ["blockBlob"], prefixMatch: ["life-unit-abc123/"] },
              actions: { baseBlob: { tierToCool: { daysAfterModificationGreaterThan: 30 }, tierToArchive: { daysAfterModificationGreaterThan: 180 } } },
            },
          },
        ],
      },
    });
  });
});

describe("AzureBucket under mocks: SAS keys", () => {
  it("one stored access policy per live generation, shared key on and said so, SAS only as a secret", async () => {
    const { resources, component } = await build(
      "sas",
      {
        presign: { uploadSeconds: 900, downloadSeconds: 7200 },
        keys: {
          uploader: { access: ["write"], generation: 1 },
          reader: { access: ["list", "read"], generation: 2 },
        },
      },
      { options: { keys: { reader: { sasValidityDays: 45 } } } },
    );
    expect(one(resources, T.account).inputs).toMatchObject({
      allowSharedKeyAccess: true,
      sasPolicy: { sasExpirationPeriod: "0.02:00:00", expirationAction: "Log" },
      tags: { "secure-storage-bucket": "sas", "secure-storage-shared-key": "required by SAS keys: reader uploader" },
    });
    const policies = ofType(resources, T.sap).sort((a, b) => a.name.localeCompare(b.name));
    expect(policies.map((p) => p.name)).toEqual(["sas-reader-g1", "sas-reader-g2", "sas-uploader-g1"]);
    const base = { serviceUrl: "https://sssasabc123.blob.core.windows.net", accountName: "sssasabc123", containerName: "sas-unit-abc123" };
    const ACCOUNT_ID = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-storage/providers/Microsoft.Storage/storageAccounts/sssasabc123";
    expect(policies.map((p) => plainInputs(p.inputs))).toEqual([
      { ...base, policyId: "reader-g1", permissions: "rl", validitySeconds: 45 * 86_400, accountId: ACCOUNT_ID },
      { ...base, policyId: "reader-g2", permissions: "rl", validitySeconds: 45 * 86_400, accountId: ACCOUNT_ID },
      { ...base, policyId: "uploader-g1", permissions: "cw", validitySeconds: 90 * 86_400, accountId: ACCOUNT_ID },
    ]);
    // The account key is neither read by the program nor an input: the provider looks it up when it runs.
    expect(invokes.filter((i) => i.token.includes("listStorageAccountKeys"))).toEqual([]);
    expect(ofType(resources, T.assignment)).toEqual([]);

    const reader = asStaticKey(component.contract.keys.reader);
    expect(await unwrap(reader.current.id)).toBe("reader-g2");
    expect(await unwrap(reader.previous!.id)).toBe("reader-g1");
    expect(await unwrap(reader.previous!.generation)).toBe(1);
    expect(await pulumi.isSecret(pulumi.output(reader.current.secret))).toBe(true);
    expect(await pulumi.isSecret(pulumi.output(reader.current.id))).toBe(false);
    expect(await unwrap(reader.current.secret)).toBe("sv=2026-02-06&si=reader-g2&sr=c&sig=SIG-sas-reader-g2");
    expect(asStaticKey(component.contract.keys.uploader).previous).toBeUndefined();
  });
});

describe("AzureBucket under mocks: identity keys", () => {
  const PRINCIPAL = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
  it("a container-scoped role assignment with an ABAC path condition; a custom role for write-only; no shared key", async () => {
    const { resources, component } = await build(
      "ident",
      {
        keys: {
          app: { access: ["read", "write", "list"], prefixes: ["invoices/"], generation: 1 },
          ingest: { access: ["write"], prefixes: ["incoming/"], generation: 1 },
        },
      },
      { options: { keys: { app: { mode: "identity", principalId: PRINCIPAL }, ingest: { mode: "identity", principalId: PRINCIPAL, principalType: "User" } } } },
    );
    expect(one(resources, T.account).inputs.allowSharedKeyAccess).toBe(false);
    expect(ofType(resources, T.sap)).toEqual([]);
    const containerId = `/subscriptions/${SUB}/resourceGroups/rg-storage/providers/Microsoft.Storage/storageAccounts/ssidentabc123/blobServices/default/containers/ident-unit-abc123`;
    const assignments = Object.fromEntries(ofType(resources, T.assignment).map((a) => [a.name, a.inputs]));
    expect(Object.keys(assignments).sort()).toEqual(["ident-app-assignment", "ident-ingest-assignment"]);
    const app = assignments["ident-app-assignment"];
    expect(app).toMatchObject({
      scope: containerId,
      principalId: PRINCIPAL,
      principalType: "ServicePrincipal",
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${BUILTIN_ROLES["Storage Blob Data Contributor"]}`,
      conditionVersion: "2.0",
      description: 'secure-storage key "app": read, write, list on invoices/',
    });
    expect(app.roleAssignmentName).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const cond = app.condition as string;
    // Delete is carried by the Contributor role but not granted: denied outright. Renames never.
    expect(cond).toContain("(\n !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'})\n)");
    expect(cond).toContain("(\n !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action'})\n)");
    expect(cond).toContain("@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith 'invoices/'");
    expect(cond).toContain("@Request[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:prefix] StringStartsWith 'invoices/'");

    const role = one(resources, T.roleDef);
    expect(role.name).toBe("ident-ingest-role");
    expect(role.inputs).toMatchObject({
      roleType: "CustomRole",
      scope: `/subscriptions/${SUB}/resourceGroups/rg-storage`,
      assignableScopes: [`/subscriptions/${SUB}/resourceGroups/rg-storage`],
      permissions: [
        {
          actions: [],
          notActions: [],
          dataActions: [
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action",
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
          ],
          notDataActions: [],
        },
      ],
    });
    const ingest = assignments["ident-ingest-assignment"];
    expect(ingest.principalType).toBe("User");
    expect(ingest.roleDefinitionId).toBe(`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${role.inputs.roleDefinitionId}`);
    expect(ingest.condition).not.toContain("blobs/read"); // the custom role cannot read at all

    // The principal signs in with its own tokens: the contract names it and carries no secret at all.
    expect(component.contract.keys.app).toEqual({
      kind: "identity",
      access: ["read", "write", "list"],
      prefixes: ["invoices/"],
      principalId: PRINCIPAL,
      userDelegationSas: false,
    });
  });

  it("userDelegationSas adds only Storage Blob Delegator on the account, so the app can mint 1-hour download URLs", async () => {
    const { resources } = await build(
      "deleg",
      { keys: { reader: { access: ["read"], prefixes: ["invoices/"], generation: 1 } } },
      { options: { keys: { reader: { mode: "identity", principalId: PRINCIPAL, userDelegationSas: true } } } },
    );
    const assignments = Object.fromEntries(ofType(resources, T.assignment).map((a) => [a.name, a.inputs]));
    expect(Object.keys(assignments).sort()).toEqual(["deleg-reader-assignment", "deleg-reader-delegator"]);
    expect(assignments["deleg-reader-delegator"]).toMatchObject({
      scope: `/subscriptions/${SUB}/resourceGroups/rg-storage/providers/Microsoft.Storage/storageAccounts/ssdelegabc123`,
      principalId: PRINCIPAL,
      principalType: "ServicePrincipal",
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/db58b8e5-c6ad-4a2a-8342-4190687cbf4a`,
    });
    expect(assignments["deleg-reader-delegator"].condition).toBeUndefined();
    expect(assignments["deleg-reader-assignment"].condition).toContain("StringStartsWith 'invoices/'");
  });
});

describe("AzureBucket under mocks: network, customer-managed key, audit logs", () => {
  const WS = `/subscriptions/${SUB}/resourceGroups/rg-ops/providers/Microsoft.OperationalInsights/workspaces/audit`;
  const UAI = `/subscriptions/${SUB}/resourceGroups/rg-ops/providers/Microsoft.ManagedIdentity/userAssignedIdentities/storage-cmk`;
  const SUBNET = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/app`;
  it("firewall default deny with named IPs and subnets; CMK through the identity; StorageRead/Write/Delete to Log Analytics", async () => {
    const { resources } = await build(
      "locked",
      { encryption: { kind: "kms", keyId: "https://kv-prod.vault.azure.net/keys/storage-cmk" } },
      {
        settings: {
          resourceGroupName: "rg-storage",
          location: "westeurope",
          logAnalyticsWorkspaceId: WS,
          cmkIdentityId: UAI,
          network: { ipRules: ["203.0.113.0/24", "198.51.100.7"], subnetIds: [SUBNET], bypass: ["AzureServices", "Logging"] },
        },
      },
    );
    const account = one(resources, T.account).inputs;
    expect(account).toMatchObject({
      publicNetworkAccess: "Enabled",
      networkRuleSet: {
        defaultAction: "Deny",
        bypass: "AzureServices, Logging",
        ipRules: [
          { iPAddressOrRange: "203.0.113.0/24", action: "Allow" },
          { iPAddressOrRange: "198.51.100.7", action: "Allow" },
        ],
        virtualNetworkRules: [{ virtualNetworkResourceId: SUBNET, action: "Allow" }],
      },
      identity: { type: "UserAssigned", userAssignedIdentities: [UAI] },
      encryption: {
        requireInfrastructureEncryption: true,
        keySource: "Microsoft.Keyvault",
        keyVaultProperties: { keyVaultUri: "https://kv-prod.vault.azure.net/", keyName: "storage-cmk" },
        encryptionIdentity: { encryptionUserAssignedIdentity: UAI },
      },
    });
    expect(one(resources, T.diag).inputs).toEqual({
      name: "secure-storage-audit",
      resourceUri: `/subscriptions/${SUB}/resourceGroups/rg-storage/providers/Microsoft.Storage/storageAccounts/sslockedabc123/blobServices/default`,
      workspaceId: WS,
      logs: [
        { category: "StorageRead", enabled: true },
        { category: "StorageWrite", enabled: true },
        { category: "StorageDelete", enabled: true },
      ],
      metrics: [{ category: "Transaction", enabled: true }],
    });
  });

  it("refuses a spec for another provider and illegal names", async () => {
    const { AzureBucket } = await import("../../components/azure");
    const { parseStorageSpec } = await import("../../components/spec");
    const { AzureSettings } = await import("../../components/azure/settings");
    const { AzureBucketOptions } = await import("../../components/azure/options");
    const base = { settings: AzureSettings.parse({ resourceGroupName: "rg", location: "westeurope" }), options: AzureBucketOptions.parse({}) };
    const aws = parseStorageSpec({ buckets: { b1: { provider: "aws" } } }).buckets.b1;
    expect(() => new AzureBucket("x1", { ...base, spec: aws, bucketName: "b1-x", accountName: "ssb1" })).toThrow(/expected "azure"/);
    const az = parseStorageSpec({ buckets: { b1: { provider: "azure" } } }).buckets.b1;
    expect(() => new AzureBucket("x2", { ...base, spec: az, bucketName: "b1--x", accountName: "ssb1" })).toThrow(/container name "b1--x"/);
    expect(() => new AzureBucket("x3", { ...base, spec: az, bucketName: "b1-x", accountName: "Has-Dash" })).toThrow(/3-24 lowercase/);
  });
});
