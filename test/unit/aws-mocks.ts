/**
 * Mock runtime for the AWS component tests: records every resource with its inputs, answers the
 * invokes the component may make (STS caller identity, KMS alias lookup, the region of a caller's
 * provider), and turns a ContractInput into plain data with secrets shown as `<secret:...>` so
 * snapshots prove which fields are secret.
 */
import * as pulumi from "@pulumi/pulumi";
// The mock API passes no resource options to newResource; the monitor's request has them.
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { settle } from "../helpers/mocks";

export const ACCOUNT = "123456789012";
export const ALIAS_TARGET = `arn:aws:kms:eu-central-1:${ACCOUNT}:key/0b5c7d0e-1111-4222-8333-944455556666`;

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** Resource options as the engine would see them. */
  opts: { protect: boolean; retainOnDelete: boolean; provider: string; parent: string; dependsOn: string[] };
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getProvider(): string;
  getParent(): string;
  getDependenciesList(): string[];
}
let captureOpts: ((req: RegisterRequest) => void) | undefined;
const proto = MockMonitor.prototype as unknown as { registerResource(req: RegisterRequest, cb: unknown): Promise<void>; __wrapped?: boolean };
if (!proto.__wrapped) {
  const original = proto.registerResource;
  proto.registerResource = function (this: unknown, req: RegisterRequest, cb: unknown) {
    captureOpts?.(req);
    return original.call(this, req, cb);
  };
  proto.__wrapped = true;
}

export interface MockRun<T> {
  result: T;
  resources: Registered[];
  invokes: { token: string; inputs: Record<string, unknown> }[];
}

/** `urn:...::<name>::<id>` (a provider reference) to `<name>`. */
const providerName = (ref: string | undefined) => ref?.split("::").slice(-2)[0];

function mockState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (type) {
    case "aws:s3/bucket:Bucket":
      return { arn: `arn:aws:s3:::${inputs.bucket}` };
    case "aws:iam/user:User":
      return { arn: `arn:aws:iam::${ACCOUNT}:user${inputs.path}${inputs.name}` };
    case "aws:iam/role:Role":
      return { arn: `arn:aws:iam::${ACCOUNT}:role${inputs.path}${inputs.name}` };
    case "aws:kms/key:Key":
      return { arn: `arn:aws:kms:eu-central-1:${ACCOUNT}:key/mock-${name}`, keyId: `mock-${name}` };
    case "aws:iam/accessKey:AccessKey":
      return { secret: `mock-secret-${name}` };
    default:
      return {};
  }
}

/** Run `build` in a fresh mock runtime (stack `unit` unless given) and collect what it registered. */
export async function runMocked<T>(build: () => T, stack = "unit", config: Record<string, string> = {}): Promise<MockRun<T>> {
  const resources: Registered[] = [];
  const invokes: MockRun<T>["invokes"] = [];
  const optsByKey = new Map<string, Registered["opts"]>();
  // getRegion answers with the region of the provider that asks, as the real one does.
  const regionByProvider = new Map<string, string>();
  captureOpts = (req) =>
    optsByKey.set(`${req.getType()}::${req.getName()}`, {
      protect: req.getProtect() ?? false,
      retainOnDelete: req.getRetainondelete() ?? false,
      provider: req.getProvider(),
      parent: req.getParent(),
      dependsOn: [...req.getDependenciesList()].sort(),
    });
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const opts = optsByKey.get(`${args.type}::${args.name}`);
        if (!opts) throw new Error(`no options captured for ${args.type} ${args.name}`);
        resources.push({ type: args.type, name: args.name, inputs: args.inputs, opts });
        if (args.type === "pulumi:providers:aws") regionByProvider.set(args.name, String(args.inputs.region));
        const id = args.type === "aws:iam/accessKey:AccessKey" ? `mock-key-id-${args.name.toUpperCase().replace(/[^A-Z0-9]/g, "")}` : `${args.name}-id`;
        return { id, state: { ...args.inputs, ...mockState(args.type, args.name, args.inputs) } };
      },
      call: (args) => {
        invokes.push({ token: args.token, inputs: args.inputs });
        if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/ci`, userId: "AIDAMOCK", id: ACCOUNT };
        if (args.token === "aws:kms/getAlias:getAlias") return { name: args.inputs.name, targetKeyArn: ALIAS_TARGET, targetKeyId: ALIAS_TARGET.split("/")[1], arn: "x", id: "x" };
        if (args.token === "aws:index/getRegion:getRegion") {
          const region = regionByProvider.get(providerName(args.provider) ?? "") ?? "us-east-1";
          return { region, name: region, id: region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
        }
        throw new Error(`unexpected invoke ${args.token}`);
      },
    },
    "secure-storage",
    stack,
    false,
  );
  pulumi.runtime.setAllConfig(config);
  const result = build();
  await settle();
  return { result, resources, invokes };
}

/** Plain data from a ContractInput; secret leaves become `<secret:value>`. */
export async function resolveDeep(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    const out = value as pulumi.Output<unknown>;
    const secret = await pulumi.isSecret(out);
    const inner = await new Promise<unknown>((resolve) => out.apply(resolve));
    const plain = await resolveDeep(inner);
    return secret ? `<secret:${String(plain)}>` : plain;
  }
  if (value instanceof Promise) return resolveDeep(await value);
  if (Array.isArray(value)) return Promise.all(value.map(resolveDeep));
  if (value && typeof value === "object") {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveDeep(v)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

const JSON_FIELDS = new Set(["policy", "assumeRolePolicy"]);

/**
 * Resources as a reviewer reads them: sorted by type then name, policy strings parsed into objects
 * (the raw string is also checked to be canonical JSON by the tests).
 */
export function readable(resources: Registered[]): { type: string; name: string; inputs: Record<string, unknown>; opts: Record<string, unknown> }[] {
  return [...resources]
    .sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name))
    .map((r) => ({
      type: r.type,
      name: r.name,
      inputs: Object.fromEntries(
        Object.entries(r.inputs)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => [k, JSON_FIELDS.has(k) && typeof v === "string" ? JSON.parse(v) : v]),
      ),
      // URNs carry the stack/project; the short `type::name` tail is what a reviewer needs.
      opts: {
        ...(r.opts.protect ? { protect: true } : {}),
        ...(r.opts.retainOnDelete ? { retainOnDelete: true } : {}),
        ...(r.opts.provider ? { provider: r.opts.provider.split("::").slice(-2).join("::") } : {}),
        ...(r.opts.parent ? { parent: r.opts.parent.split("::").slice(-1)[0] } : {}),
        ...(r.opts.dependsOn.length ? { dependsOn: r.opts.dependsOn.map((u) => u.split("::").slice(-1)[0]) } : {}),
      },
    }));
}

export const byType = (resources: Registered[], type: string) => resources.filter((r) => r.type === type);
export const one = (resources: Registered[], type: string, name: string): Registered => {
  const found = resources.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) throw new Error(`expected exactly one ${type} named ${name}, found ${found.length}`);
  return found[0];
};
