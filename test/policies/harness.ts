/**
 * Calls the pack's policies the way the CrossGuard server does: properties wrapped in the
 * engine's unknown-checking proxy, a reportViolation that collects messages.
 */
import { UnknownValueError, unknownCheckingProxy, type ResourceValidationArgs, type ResourceValidationPolicy, type StackValidationArgs, type StackValidationPolicy } from "@pulumi/policy";
import { policyNamed } from "../../policies/all";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxyModule = require("@pulumi/policy/proxy") as Record<string, string>;

/** The engine's "not known during preview" values, by kind. */
export const U = {
  bool: proxyModule.unknownBooleanValue,
  number: proxyModule.unknownNumberValue,
  string: proxyModule.unknownStringValue,
  array: proxyModule.unknownArrayValue,
  object: proxyModule.unknownObjectValue,
};

export interface Violation {
  message: string;
  urn?: string;
}

const noop = () => {
  throw new Error("not used by the pack");
};

export const urnOf = (r: { type: string; name: string }) => `urn:pulumi:test::secure-storage::${r.type}::${r.name}`;

/**
 * Violations, and `cannotJudge`: the engine's "can't run during preview" advisory, which the
 * server makes of an UnknownValueError (never a violation, whatever the policy's level).
 */
export interface ResourceOutcome {
  violations: string[];
  cannotJudge?: string;
}

/** Violations only; a row that cannot be judged in preview has none. */
export async function runResource(policyName: string, type: string, props: Record<string, unknown>, config: Record<string, unknown> = {}): Promise<string[]> {
  return (await evaluateResource(policyName, type, props, config)).violations;
}

/** `config`: the policy's own config properties, as a config file's `{"<policy>": {...}}` passes them. */
export async function evaluateResource(
  policyName: string,
  type: string,
  props: Record<string, unknown>,
  config: Record<string, unknown> = {},
): Promise<ResourceOutcome> {
  const p = policyNamed(policyName);
  if (p.kind !== "resource") throw new Error(`${policyName} is a stack policy`);
  const out: string[] = [];
  const args = {
    type,
    props: unknownCheckingProxy(props),
    urn: urnOf({ type, name: "r" }),
    name: "r",
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    stackTags: new Map<string, string>(),
    isType: noop,
    asType: noop,
    getConfig: () => config,
    notApplicable: noop,
  } as unknown as ResourceValidationArgs;
  const validate = (p.policy as ResourceValidationPolicy).validateResource;
  try {
    for (const v of Array.isArray(validate) ? validate : [validate!]) await v(args, (message) => out.push(message));
  } catch (e) {
    if (e instanceof UnknownValueError) return { violations: out, cannotJudge: (e as Error).message };
    throw e;
  }
  return { violations: out };
}

export interface TestResource {
  type: string;
  name: string;
  props: Record<string, unknown>;
  /** input property -> names of the resources it depends on */
  deps?: Record<string, string[]>;
}

export async function runStack(policyName: string, resources: TestResource[]): Promise<Violation[]> {
  const p = policyNamed(policyName);
  if (p.kind !== "stack") throw new Error(`${policyName} is a resource policy`);
  const byName = new Map(resources.map((r) => [r.name, r]));
  const policyResources = resources.map((r) => ({
    type: r.type,
    urn: urnOf(r),
    name: r.name,
    props: unknownCheckingProxy(r.props),
    dependencies: [],
    propertyDependencies: Object.fromEntries(
      Object.entries(r.deps ?? {}).map(([k, names]) => [k, names.map((n) => ({ urn: urnOf(byName.get(n)!) }))]),
    ),
  }));
  const out: Violation[] = [];
  const args = { resources: policyResources, getConfig: () => ({}), stackTags: new Map(), notApplicable: noop } as unknown as StackValidationArgs;
  await (p.policy as StackValidationPolicy).validateStack(args, (message, urn) => out.push({ message, urn }));
  return out;
}

/** An IAM-language policy document as the providers take it: a JSON string. */
export const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });

/** One row of a policy's data table: `bad` lists a pattern per expected violation; none means it must pass. */
export interface ResourceCase {
  policy: string;
  title: string;
  type: string;
  props: Record<string, unknown>;
  bad?: RegExp[];
  /** the "can't judge during preview" advisory expected instead of a pass (it names the unknown path) */
  preview?: RegExp;
  /** the policy's config properties (defaults apply to what is left out) */
  config?: Record<string, unknown>;
}

export interface StackCase {
  policy: string;
  title: string;
  resources: TestResource[];
  /** pattern per expected violation and the resource name it must point at */
  bad?: Array<[RegExp, string]>;
}

/** The "can't judge during preview" advisory a policy gives instead of passing on an unknown value. */
export const PREVIEW = /can't be known during preview, so this policy cannot judge/;
