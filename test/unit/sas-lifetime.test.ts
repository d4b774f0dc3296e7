/**
 * Azure SAS lifetimes fit the rotation schedule: the default outlasts a generation's use (current,
 * then previous) plus verify's warning window, a lifetime shorter than one rotation period is
 * refused with its config path, and the component puts each stored policy's expiry in the contract.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SAS_VALIDITY_DAYS, MIN_SAS_VALIDITY_DAYS, sasValiditySeconds } from "../../components/azure/sas-lifetime";
import { CREDENTIAL_USE_DAYS, ROTATION_CRON, ROTATION_PERIOD_DAYS } from "../../components/rotation-schedule";
import { AzureBucket, AzureBucketOptions, AzureSettings } from "../../components/azure";
import { parseStorageSpec } from "../../components/spec";
import { DEFAULT_EXPIRY_WARN_DAYS } from "../../checks/expiry";
import { parseStackConfig } from "../../stacks/config";
import { settle, unwrap } from "../helpers/mocks";
import { configProblems } from "../helpers/config-problems";

const azure = { resourceGroupName: "rg-storage", location: "westeurope" };
const withValidity = (sasValidityDays: unknown) => ({
  buckets: {
    files: {
      provider: "azure",
      options: { keys: { app: { sasValidityDays } } },
      keys: { app: { access: ["read"], generation: 1 } },
    },
  },
  azure,
});

const problems = configProblems;

describe("the rotation schedule", () => {
  it("is the rotate workflow's: monthly, so at most 31 days between rotations", () => {
    const wf = parse(fs.readFileSync(path.join(__dirname, "..", "..", ".github", "workflows", "rotate.yml"), "utf8"));
    expect(wf.on.schedule.map((s: { cron: string }) => s.cron)).toEqual([ROTATION_CRON]);
    // minute hour day-of-month=fixed every month, any weekday: the longest gap is a 31-day month.
    expect(ROTATION_CRON).toMatch(/^\d+ \d+ \d+ \* \*$/);
    expect(ROTATION_PERIOD_DAYS).toBe(31);
  });
});

describe("sasValidityDays", () => {
  it("defaults to a lifetime that outlasts current + previous use and the warning window", () => {
    expect(DEFAULT_SAS_VALIDITY_DAYS).toBe(90);
    expect(DEFAULT_SAS_VALIDITY_DAYS).toBeGreaterThanOrEqual(CREDENTIAL_USE_DAYS + DEFAULT_EXPIRY_WARN_DAYS);
    const parsed = parseStackConfig({ buckets: withValidity(undefined).buckets, azure });
    const options = parsed.options.files as { keys: Record<string, { sasValidityDays: number }> };
    expect(options.keys.app.sasValidityDays).toBe(90);
  });

  it.each([1, 7, 30])("refuses %i days (shorter than the rotation period), naming the path", (days) => {
    expect(problems(withValidity(days))).toEqual([
      `storage:buckets.files.options.keys.app.sasValidityDays: must be at least ${MIN_SAS_VALIDITY_DAYS} days, the rotation ` +
        "period (rotate.yml runs monthly): a shorter SAS expires before the next rotation replaces it",
    ]);
  });

  it.each([31, 62, 365])("accepts %i days", (days) => {
    expect(problems(withValidity(days))).toEqual([]);
  });

  it("refuses more than a year", () => {
    expect(problems(withValidity(366))).toEqual([
      "storage:buckets.files.options.keys.app.sasValidityDays: must be at most 365 (rotate instead)",
    ]);
  });

  it("is sent to the stored policy in seconds", () => {
    expect(sasValiditySeconds(90)).toBe(7_776_000);
  });
});

/** Own mocks: the stored policy answers expiresOn = a fixed epoch + its validity, whatever its type token. */
const EPOCH = Date.UTC(2030, 0, 1);
const policies: Array<{ name: string; validitySeconds: number }> = [];
function installMocks() {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const i = args.inputs as Record<string, string>;
        if (args.type.endsWith(":StoredAccessPolicy")) {
          const validitySeconds = Number(args.inputs.validitySeconds);
          policies.push({ name: args.name, validitySeconds });
          const expiresOn = new Date(EPOCH + validitySeconds * 1000).toISOString();
          return { id: i.policyId, state: { ...args.inputs, expiresOn, sasToken: `si=${i.policyId}&sig=x` } };
        }
        const name = i.accountName && args.type.endsWith("StorageAccount") ? i.accountName : (i.containerName ?? args.name);
        return { id: `/subscriptions/s/resourceGroups/rg/${args.name}`, state: { ...args.inputs, name } };
      },
      call: () => ({}),
    },
    "secure-storage",
    "unit",
    false,
  );
}

const azureSpec = (name: string, generation: number) =>
  parseStorageSpec({ buckets: { [name]: { provider: "azure", keys: { app: { access: ["read"], generation } } } } }).buckets[name];

describe("AzureBucket contract under mocks", () => {
  beforeAll(installMocks);

  it("carries each SAS credential's expiry (the stored policy's expiresOn) as expiresAt, not as a secret", async () => {
    const spec = azureSpec("exp", 2);
    const component = new AzureBucket("exp", {
      bucketName: "exp-unit-abc123",
      accountName: "ssexpabc123",
      spec,
      settings: AzureSettings.parse(azure),
      options: AzureBucketOptions.parse({ keys: { app: { sasValidityDays: 45 } } }),
    });
    await settle();
    expect(policies.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: "exp-app-g1", validitySeconds: 45 * 86_400 },
      { name: "exp-app-g2", validitySeconds: 45 * 86_400 },
    ]);
    // The contract's key type is the lead's union; read the credential slots by shape.
    type Slots = Record<"current" | "previous", { expiresAt?: pulumi.Input<string> }>;
    const key = component.contract.keys.app as unknown as Slots;
    for (const slot of ["current", "previous"] as const) {
      const expiresAt = key[slot].expiresAt;
      expect(expiresAt, slot).toBeDefined();
      expect(await unwrap(expiresAt)).toBe(new Date(EPOCH + 45 * 86_400_000).toISOString());
      expect(await pulumi.isSecret(pulumi.output(expiresAt!)), slot).toBe(false);
    }
  });

  it("sends the 90-day default when the key sets no validity", async () => {
    policies.length = 0;
    const spec = azureSpec("dflt", 1);
    new AzureBucket("dflt", {
      bucketName: "dflt-unit-abc123",
      accountName: "ssdfltabc123",
      spec,
      settings: AzureSettings.parse(azure),
      options: AzureBucketOptions.parse({}),
    });
    await settle();
    expect(policies).toEqual([{ name: "dflt-app-g1", validitySeconds: 90 * 86_400 }]);
  });
});
