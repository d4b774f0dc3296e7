/** Pulumi mocks for the Azure component: ARM-shaped ids, account keys and SAS tokens that never leave the test. */
import * as pulumi from "@pulumi/pulumi";
import { AzureBucket } from "../../components/azure";
import { AzureBucketOptions, type AzureBucketOptionsInput } from "../../components/azure/options";
import { AzureSettings, type AzureSettingsInput } from "../../components/azure/settings";
import { parseStorageSpec, type BucketInput } from "../../components/spec";

export const SUB = "11111111-2222-3333-4444-555555555555";

import { settle, type Registered } from "../helpers/mocks";
export { unwrap, type Registered } from "../helpers/mocks";
export const registered: Registered[] = [];
export const invokes: Array<{ token: string; args: Record<string, unknown> }> = [];

export function installAzureMocks(): void {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        const i = args.inputs as Record<string, string>;
        const rg = `/subscriptions/${SUB}/resourceGroups/${i.resourceGroupName}`;
        switch (args.type) {
          case "azure-native:storage:StorageAccount":
            return { id: `${rg}/providers/Microsoft.Storage/storageAccounts/${i.accountName}`, state: { ...args.inputs, name: i.accountName } };
          case "azure-native:storage:BlobContainer":
            return {
              id: `${rg}/providers/Microsoft.Storage/storageAccounts/${i.accountName}/blobServices/default/containers/${i.containerName}`,
              state: { ...args.inputs, name: i.containerName },
            };
          case "secure-storage:azure:StoredAccessPolicy":
            return { id: i.policyId, state: { ...args.inputs, expiresOn: "2030-01-01T00:00:00.000Z", sasToken: `sv=2026-02-06&si=${i.policyId}&sr=c&sig=SIG-${args.name}` } };
          default:
            return { id: `${args.name}-id`, state: args.inputs };
        }
      },
      call: (args) => {
        invokes.push({ token: args.token, args: args.inputs });
        if (args.token === "azure-native:storage:listStorageAccountKeys") return { keys: [{ keyName: "key1", value: "MOCK-ACCOUNT-KEY", permissions: "FULL" }] };
        return {};
      },
    },
    "secure-storage",
    "unit",
    false,
  );
}

export const SETTINGS: AzureSettingsInput = { resourceGroupName: "rg-storage", location: "westeurope" };

/** Build one AzureBucket from raw config and wait until every child is registered. */
export async function build(
  name: string,
  bucket: Omit<BucketInput, "provider">,
  opts: { settings?: AzureSettingsInput; options?: AzureBucketOptionsInput; accountName?: string } = {},
): Promise<{ component: AzureBucket; resources: Registered[] }> {
  const before = registered.length;
  const spec = parseStorageSpec({ buckets: { [name]: { provider: "azure", ...bucket } } }).buckets[name];
  const component = new AzureBucket(name, {
    bucketName: `${name}-unit-abc123`,
    accountName: opts.accountName ?? `ss${name.replace(/-/g, "")}abc123`,
    spec,
    settings: AzureSettings.parse(opts.settings ?? SETTINGS),
    options: AzureBucketOptions.parse(opts.options ?? {}),
  });
  await settle();
  return { component, resources: registered.slice(before) };
}

export const ofType = (resources: Registered[], type: string) => resources.filter((r) => r.type === type);
export const one = (resources: Registered[], type: string): Registered => {
  const found = ofType(resources, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
};

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/**
 * Dynamic-resource inputs as the engine gets them, minus the serialized provider code and the
 * unset outputs; secret values become `{ secret: value }` so tests can assert they are secret.
 */
export function plainInputs(inputs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inputs)) {
    if (k === "__provider" || v === undefined) continue;
    const sig = v && typeof v === "object" ? (v as Record<string, unknown>)[SIG] : undefined;
    out[k] = sig === SECRET_SIG ? { secret: (v as { value: unknown }).value } : v;
  }
  return out;
}
