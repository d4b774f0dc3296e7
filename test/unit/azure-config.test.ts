/** Bad Azure config fails before any resource, naming the config path. */
import { describe, expect, it } from "vitest";
import { storageAccountName, stableGuid, parseKeyVaultKeyUrl } from "../../components/azure/names";
import { parseStackConfig } from "../../stacks/config";
import { configProblems } from "../helpers/config-problems";

const azure = { resourceGroupName: "rg-storage", location: "westeurope" };

function problems(buckets: Record<string, unknown>, settings: Record<string, unknown> = azure): string[] {
  return configProblems({ buckets, azure: settings });
}

describe("Azure config validation", () => {
  it("accepts the seed invoice container shape", () => {
    expect(
      problems({
        invoices: {
          provider: "azure",
          presign: { uploadSeconds: 900, downloadSeconds: 3600 },
          lifecycle: [{ noncurrentExpireDays: 90 }],
          keys: { downloads: { access: ["read"], generation: 1 }, app: { access: ["read", "write", "list"], prefixes: ["invoices/"], generation: 1 } },
          options: { keys: { app: { mode: "identity", principalId: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee" } } },
        },
      }),
    ).toEqual([]);
  });

  it("refuses userDelegationSas on a SAS key (a SAS holder cannot mint other SAS)", () => {
    expect(
      problems({ invoices: { provider: "azure", keys: { app: { access: ["read"], generation: 1 } }, options: { keys: { app: { mode: "sas", userDelegationSas: true } } } } }),
    ).toEqual(["storage:buckets.invoices.options.keys.app.userDelegationSas: only applies to mode: identity (a SAS holder cannot mint other SAS)"]);
  });

  it("names every path that breaks Azure's rules", () => {
    // One bucket breaking every Azure rule; bad options stop parsing before the capability checks run.
    const inVoices = (options: Record<string, unknown>) => ({
      "in--voices": {
        provider: "azure",
        objectLock: { mode: "GOVERNANCE", days: 1 },
        encryption: { kind: "kms", keyId: "arn:aws:kms:eu-west-1:1:key/x" },
        lifecycle: [{ abortIncompleteUploadDays: 1 }],
        keys: {
          reader: { access: ["read"], prefixes: ["users/"], generation: 1 },
          ka: { access: ["read"], generation: 2 },
          kb: { access: ["read"], generation: 2 },
        },
        options,
      },
    });
    expect(problems(inVoices({ accountName: "Bad-Name", keys: { ghost: { mode: "sas" }, ka: { mode: "identity" } } }))).toEqual([
      'storage:buckets.in--voices.options.accountName: must be 3-24 lowercase letters and digits (Azure storage account rules)',
      "storage:buckets.in--voices.options.keys.ka.principalId: is required when mode is identity",
    ]);
    expect(problems(inVoices({ keys: { ghost: { mode: "sas" } } }))).toEqual([
      "storage:buckets.in--voices: the bucket name becomes the container name, which must be lowercase letters, digits and single hyphens, starting and ending with a letter or digit",
      "storage:buckets.in--voices.objectLock: not supported on Azure by this component (version-level immutability policies are not mapped); remove it or use another provider",
      "storage:buckets.in--voices.encryption.keyId: must be a Key Vault key URL such as https://myvault.vault.azure.net/keys/storage-cmk",
      "storage:azure.cmkIdentityId: required for storage:buckets.in--voices.encryption kind kms (the identity that unwraps the key)",
      "storage:buckets.in--voices.lifecycle[0].abortIncompleteUploadDays: Azure discards uncommitted blocks after 7 days and cannot do it sooner; use 7 or more",
      'storage:buckets.in--voices.options.keys.ghost: there is no key "ghost" in storage:buckets.in--voices.keys',
      "storage:buckets.in--voices.keys.reader.prefixes: a service SAS covers the whole container and cannot be limited to a prefix; use prefixes: [] or options.keys.reader.mode: identity (role assignment with an ABAC path condition)",
      "storage:buckets.in--voices.keys: SAS keys need 5 stored access policies; Azure allows 5 per container and a rotation needs one free, so at most 4 (set retirePrevious or use fewer SAS keys)",
    ]);
  });

  it("rejects CORS * with write methods (spec) and bad settings (adapter schema)", () => {
    expect(
      problems({ up: { provider: "azure", cors: [{ origins: ["*"], methods: ["GET", "PUT"] }] } }, {
        resourceGroupName: "rg.",
        location: "West Europe",
        accountPrefix: "TOO-LONG-PREFIX",
        logAnalyticsWorkspaceId: "workspace",
        network: { ipRules: ["10.0.0.0/31", "300.1.1.1"], defaultAction: "Open" },
      }),
    ).toEqual([
      'storage:buckets.up.cors[0].origins: must not be "*" when write methods (PUT, POST, DELETE) are allowed',
      "storage:azure.resourceGroupName: must be 1-90 characters of letters, digits, - _ . ( ) and not end with '.'",
      'storage:azure.location: must be an Azure region name such as "westeurope"',
      "storage:azure.accountPrefix: must be 2-8 lowercase letters and digits, starting with a letter",
      "storage:azure.logAnalyticsWorkspaceId: must be the ARM resource id of a Log Analytics workspace",
      'storage:azure.network.defaultAction: Invalid option: expected one of "Deny"|"Allow"',
      "storage:azure.network.ipRules[0]: must be an IPv4 address or CIDR range up to /30",
      "storage:azure.network.ipRules[1]: must be an IPv4 address or CIDR range up to /30",
    ]);
    expect(() => parseStackConfig({ buckets: { up: { provider: "azure" } } })).toThrow(/storage:azure: required when a bucket uses provider azure/);
  });

  it("derives legal, stable storage account names", () => {
    const name = storageAccountName("ss", "secure-storage", "prod", "a-very-long-bucket-name-indeed");
    expect(name).toMatch(/^[a-z0-9]{3,24}$/);
    expect(name).toHaveLength(24);
    expect(name.startsWith("ssaverylongbucket")).toBe(true);
    expect(storageAccountName("ss", "secure-storage", "prod", "a-very-long-bucket-name-indeed")).toBe(name);
    expect(storageAccountName("ss", "secure-storage", "dev", "a-very-long-bucket-name-indeed")).not.toBe(name);
    expect(stableGuid("x")).toBe(stableGuid("x"));
    expect(stableGuid("x")).not.toBe(stableGuid("y"));
    expect(parseKeyVaultKeyUrl("https://kv1.vault.azure.net/keys/k1/0123456789abcdef0123456789abcdef")).toEqual({
      keyVaultUri: "https://kv1.vault.azure.net/",
      keyName: "k1",
      keyVersion: "0123456789abcdef0123456789abcdef",
    });
    expect(parseKeyVaultKeyUrl("https://evil.example/keys/k1")).toBeUndefined();
  });
});

describe("Pulumi.prod.yaml, Azure section", () => {
  it("declares the invoice container (SCENARIOS 3) with audit logs and 1 h downloads, and it validates", async () => {
    const fs = await import("node:fs");
    const path = await import("node:path");
    const { parse } = await import("yaml");
    const cfg = parse(fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.prod.yaml"), "utf8")).config as Record<string, Record<string, { provider: string }>>;
    const buckets = Object.fromEntries(Object.entries(cfg["storage:buckets"]).filter(([, b]) => b.provider === "azure"));
    expect(Object.keys(buckets)).toEqual(["invoices-azure"]);
    const parsed = parseStackConfig({ buckets, azure: cfg["storage:azure"] });
    expect(parsed.spec.buckets["invoices-azure"].presign.downloadSeconds).toBe(3600);
    expect((parsed.settings.azure as { logAnalyticsWorkspaceId?: string }).logAnalyticsWorkspaceId).toMatch(/workspaces\//);
  });
});
