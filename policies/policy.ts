/**
 * How this pack defines a policy: a check over plain data (props.ts) plus the metadata the docs
 * table and the enforcement-level rules need. `policy` is the CrossGuard object the pack serves.
 */
import type { PolicyConfigSchema, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { cannotJudgeInPreview, isObject, isUnknown, plain, watchUnknowns, type Plain, type PlainObject } from "./props";

export type PolicyProvider = "aws" | "azure" | "gcp" | "minio" | "b2";

/**
 * What a policy protects. Public access and encryption are locked: mandatory in every stack, no
 * policy config may lower them (levels.ts refuses such a config).
 */
export type Guard = "public-access" | "encryption" | "least-privilege" | "data-protection" | "logging" | "hardening";
export const LOCKED_GUARDS: readonly Guard[] = ["public-access", "encryption"];

interface Meta {
  name: string;
  /** One sentence: what must hold. */
  summary: string;
  /** Benchmark controls enforced: AWS FSBP S3.x, CIS, checkov CKV_* (or an explicit equivalent). */
  controls: string[];
  providers: PolicyProvider[];
  guard: Guard;
  /**
   * Why this policy can only warn: it flags what a provider cannot express, or what only a
   * replacement (with its data) could fix. Such a policy is advisory in code and in every shipped config.
   */
  advisory?: string;
}

export interface StoragePolicy extends Meta {
  kind: "resource" | "stack";
  /** Resource type tokens the policy reads: a resource policy's filter, a stack policy's correlated types. */
  types: string[];
  policy: ResourceValidationPolicy | StackValidationPolicy;
}

const description = (m: Meta) => `${m.summary} Controls: ${m.controls.join(", ")}.`;

export interface ResourceDef extends Meta {
  types: string[];
  /**
   * Per-policy config (`{"<policy>": {"enforcementLevel": ..., "<property>": ...}}` in the config
   * file). Each property needs a `default`: a run without config must behave as documented.
   */
  config?: PolicyConfigSchema["properties"];
  /**
   * Violation messages for one resource's plain properties. An unknown value is never a violation;
   * when the check reads one and reports nothing, the pack says it could not judge (props.ts).
   */
  check(props: PlainObject, type: string, config: PlainObject): string[];
}

/** The policy's config with each property's schema default filled in (the engine may pass none). */
function configWithDefaults(schema: ResourceDef["config"], given: Plain): PlainObject {
  const out: PlainObject = {};
  for (const [k, s] of Object.entries(schema ?? {})) out[k] = (isObject(given) ? given[k] : undefined) ?? (s.default as Plain);
  return out;
}

/**
 * The common single-setting check: nothing while `v` is unknown or equals `want`, else
 * `<field> is <v>; it must be <want>` (`unset` stands in for an absent value).
 */
export function mustBe(field: string, v: Plain, want: string | boolean, unset = "null"): string[] {
  return isUnknown(v) || v === want ? [] : [`${field} is ${v === undefined ? unset : JSON.stringify(v)}; it must be ${JSON.stringify(want)}`];
}

export function resourcePolicy(def: ResourceDef): StoragePolicy {
  const types = new Set(def.types);
  return {
    ...pick(def),
    kind: "resource",
    types: def.types,
    policy: {
      name: def.name,
      description: description(def),
      enforcementLevel: def.advisory ? "advisory" : "mandatory",
      ...(def.config ? { configSchema: { properties: def.config } } : {}),
      validateResource: (args, report) => {
        if (!types.has(args.type)) return;
        const config = configWithDefaults(def.config, def.config ? plain(args.getConfig<object>()) : undefined);
        const { props, unknownReads } = watchUnknowns(asObject(plain(args.props)));
        const messages = def.check(props, args.type, config);
        for (const message of messages) report(message);
        // Known violations stand on their own; a pass that rested on an unknown is no pass.
        if (!messages.length && unknownReads.size) throw cannotJudgeInPreview(unknownReads);
      },
    },
  };
}

/** A stack resource as stack policies see it: plain properties and its dependencies by URN. */
export interface StackResource {
  type: string;
  urn: string;
  name: string;
  props: PlainObject;
  /** URNs of the resources each input property depends on (links companions to buckets in preview). */
  propertyDependencies: Record<string, string[]>;
}

export interface StackViolation {
  message: string;
  urn?: string;
}

export interface StackDef extends Meta {
  /** Resource types the policy correlates (for the docs; a stack policy sees every resource). */
  types: string[];
  check(resources: StackResource[]): StackViolation[];
}

export function stackPolicy(def: StackDef): StoragePolicy {
  return {
    ...pick(def),
    kind: "stack",
    types: def.types,
    policy: {
      name: def.name,
      description: description(def),
      enforcementLevel: "mandatory",
      validateStack: (args, report: ReportViolation) => {
        const resources: StackResource[] = args.resources.map((r) => ({
          type: r.type,
          urn: r.urn,
          name: r.name,
          props: asObject(plain(r.props)),
          propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, deps]) => [k, deps.map((d) => d.urn)])),
        }));
        for (const v of def.check(resources)) report(v.message, v.urn);
      },
    },
  };
}

function pick(m: Meta): Meta {
  const { name, summary, controls, providers, guard, advisory } = m;
  return { name, summary, controls, providers, guard, ...(advisory ? { advisory } : {}) };
}

const asObject = (p: Plain): PlainObject => (isObject(p) ? p : {});
