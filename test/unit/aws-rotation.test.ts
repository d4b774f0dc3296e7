/**
 * Two-slot rotation on AWS: generation g is `current`, g-1 stays as `previous` until retired; each
 * slot is its own AccessKey named by generation, so unrelated changes never touch a key.
 */
import { describe, expect, it } from "vitest";
import { AwsBucket, AwsBucketOptions, AwsSettings } from "../../components/aws";
import { parseStorageSpec } from "../../components/spec";
import { byType, resolveDeep, runMocked, type Registered } from "./aws-mocks";

const AK = "aws:iam/accessKey:AccessKey";
const USER = "aws:iam/user:User";

interface KeyState {
  generation: number;
  retirePrevious?: boolean;
}

async function deploy(key: KeyState, extra: Record<string, unknown> = {}) {
  const spec = parseStorageSpec({
    buckets: { rot: { provider: "aws", keys: { app: { access: ["read", "write"], prefixes: ["data/"], ...key } }, ...extra } },
  }).buckets.rot;
  const run = await runMocked(
    () =>
      new AwsBucket("rot", {
        bucketName: "rot-unit-abc123",
        spec,
        settings: AwsSettings.parse({ region: "eu-central-1", accountId: "123456789012" }),
        options: AwsBucketOptions.parse({}),
        stack: "unit",
      }),
  );
  const keys = byType(run.resources, AK);
  const contract = (await resolveDeep(run.result.contract)) as { keys: Record<string, { current: { id: string; generation: number }; previous?: { id: string; generation: number } }> };
  return { resources: run.resources, keys, contract: contract.keys.app };
}

const view = (keys: Registered[]) => keys.map((k) => ({ name: k.name, inputs: k.inputs })).sort((a, b) => a.name.localeCompare(b.name));

/** Pulumi creates new resources before deleting dropped ones: during an update both sets exist. */
function peakKeysPerUser(before: Registered[], after: Registered[]): number {
  const union = new Map<string, string>();
  for (const k of [...before, ...after]) union.set(k.name, k.inputs.user as string);
  const perUser = new Map<string, number>();
  for (const user of union.values()) perUser.set(user, (perUser.get(user) ?? 0) + 1);
  return Math.max(...perUser.values());
}

describe("AWS key rotation", () => {
  it("bumping the generation adds the new key and keeps the previous one unchanged", async () => {
    const g1 = await deploy({ generation: 1 });
    const g2 = await deploy({ generation: 2 });
    expect(view(g1.keys)).toEqual([{ name: "rot-app-g1", inputs: { user: "rot-unit-abc123-app-odd" } }]);
    expect(view(g2.keys)).toEqual([
      { name: "rot-app-g1", inputs: { user: "rot-unit-abc123-app-odd" } },
      { name: "rot-app-g2", inputs: { user: "rot-unit-abc123-app-even" } },
    ]);
    expect(g2.contract.current).toMatchObject({ generation: 2, id: "mock-key-id-ROTAPPG2" });
    expect(g2.contract.previous).toMatchObject({ generation: 1, id: "mock-key-id-ROTAPPG1" });
    // The g1 user is the same resource with the same inputs: nothing about generation 1 changes.
    const odd = (rs: Registered[]) => rs.find((r) => r.type === USER && r.name === "rot-app-odd")!.inputs;
    expect(odd(g2.resources)).toEqual(odd(g1.resources));
  });

  it("retirePrevious drops the previous key (and its now unused slot user)", async () => {
    const retired = await deploy({ generation: 2, retirePrevious: true });
    expect(view(retired.keys)).toEqual([{ name: "rot-app-g2", inputs: { user: "rot-unit-abc123-app-even" } }]);
    expect(byType(retired.resources, USER).map((u) => u.name)).toEqual(["rot-app-even"]);
    expect(retired.contract.previous).toBeUndefined();
  });

  it("never holds more than two keys, and never more than AWS's two per user even mid-update", async () => {
    const states: KeyState[] = [
      { generation: 1 },
      { generation: 2 },
      { generation: 3 },
      { generation: 3, retirePrevious: true },
      { generation: 4 },
      { generation: 5 },
      { generation: 6, retirePrevious: true },
      { generation: 7 },
    ];
    let before: Registered[] = [];
    for (const state of states) {
      const { keys, contract } = await deploy(state);
      expect(keys.length, `generation ${state.generation}`).toBeLessThanOrEqual(2);
      expect(keys.map((k) => k.name).sort()).toEqual(
        (state.generation > 1 && !state.retirePrevious ? [state.generation - 1, state.generation] : [state.generation]).map((g) => `rot-app-g${g}`).sort(),
      );
      expect(contract.current.generation).toBe(state.generation);
      expect(peakKeysPerUser(before, keys), `update to ${JSON.stringify(state)}`).toBeLessThanOrEqual(2);
      before = keys;
    }
  });

  it("an unrelated change (CORS, lifecycle, versioning) leaves every access key's name and inputs alone", async () => {
    const base = await deploy({ generation: 3 });
    const changed = await deploy(
      { generation: 3 },
      {
        versioning: false,
        cors: [{ origins: ["https://app.example.com"], methods: ["GET", "PUT"] }],
        lifecycle: [{ prefix: "tmp/", expireDays: 1 }],
      },
    );
    expect(changed.resources.some((r) => r.type === "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration")).toBe(true);
    expect(view(changed.keys)).toEqual(view(base.keys));
    expect(view(byType(changed.resources, USER))).toEqual(view(byType(base.resources, USER)));
  });
});
