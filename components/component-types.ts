/**
 * Type tokens of the project's components (ComponentResource). Pulumi's `pkg:module:Name` like the
 * plugin's resources (provider/types.ts), but never one of theirs: a component sharing a resource's
 * token looks like that resource to whatever reads the state or judges the program (policy pack,
 * inventory, benchmarks, tests), told apart only by `custom: false`. Where the plugin serves a
 * `Bucket` in the module (minio, b2), the component is `PrivateBucket`, what it builds around the
 * bucket: private, encrypted, least-privilege keys.
 */
import type * as pulumi from "@pulumi/pulumi";

export const COMPONENT_TYPES = {
  aws: "secure-storage:aws:Bucket",
  azure: "secure-storage:azure:Bucket",
  gcp: "secure-storage:gcp:Bucket",
  gcpDataAccessAudit: "secure-storage:gcp:DataAccessAudit",
  minio: "secure-storage:minio:PrivateBucket",
  b2: "secure-storage:b2:PrivateBucket",
} as const;

export type ComponentType = (typeof COMPONENT_TYPES)[keyof typeof COMPONENT_TYPES];

/**
 * The token a component had before (both were the plugin's bucket token). Stacks deployed before
 * the rename hold it until their next `up`, so the alias stays until every stack has run one.
 */
export const FORMER_COMPONENT_TYPES: Readonly<Partial<Record<ComponentType, string>>> = {
  [COMPONENT_TYPES.minio]: "secure-storage:minio:Bucket",
  [COMPONENT_TYPES.b2]: "secure-storage:b2:Bucket",
};

/**
 * A renamed component's options: the caller's, plus an alias to its former token, so `up` moves
 * the deployed component to the new URN instead of creating one and deleting the old.
 *
 * Only the component carries this alias; its children follow through it. Their URNs embed the
 * parent's type (`secure-storage:minio:Bucket$secure-storage:minio:Key::docs-app-g1`), so the new
 * one differs too. The CLI's monitor takes alias specs, so @pulumi/pulumi sends each resource's
 * own aliases only (runtime/resource.js prepareResource; resource.js allAliases is the fallback for
 * older engines) and the engine multiplies them out: when it finds a resource in the old state by
 * an alias it records that URN, and gives each child of it an alias under that URN's type chain,
 * for the child's own type and for each of the child's own aliases (step_generator.go
 * generateAliases, inheritedChildAlias). So the bucket (its own alias: the dynamic type) and a key
 * (its own: the former minio:User and dynamic types) still match state written by any earlier
 * design. A resource matched through an alias is the same resource: diffed, never replaced, and
 * protect/retainOnDelete stay what the program asks, so a retained bucket moves like any other.
 */
export function renamedComponentOptions(
  type: ComponentType,
  opts: pulumi.ComponentResourceOptions | undefined,
): pulumi.ComponentResourceOptions {
  const former = FORMER_COMPONENT_TYPES[type];
  if (!former) throw new Error(`${type} has no former type token`);
  return { ...opts, aliases: [...(opts?.aliases ?? []), { type: former }] };
}
