/**
 * Which aws provider an AwsBucket's resources use. By default one per bucket, made from
 * `storage:aws`; a caller that hands the component its own (a role to assume, an endpoint, other
 * default tags) gets that one used instead, checked against the settings the ARNs are built from.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsSettings } from "./settings";

export interface BucketProvider {
  provider: pulumi.ProviderResource;
  /**
   * Set for a caller's provider: resolves (to no resources) once that provider is known to deploy
   * where the settings say; children depend on it, so none is made when it does not.
   */
  gate?: pulumi.Output<pulumi.Resource[]>;
}

/** Why a caller's provider cannot deploy a bucket configured by `settings`; empty when it can. */
export function givenProviderProblems(settings: AwsSettings, region: string | undefined, accountId?: string): string[] {
  const problems: string[] = [];
  // ARNs, the KMS key policy and the contract's endpoint name settings.region, not the provider's.
  if (region !== settings.region) {
    problems.push(`deploys to region ${region ?? "(none)"}, storage:aws.region is ${settings.region}`);
  }
  // The per-bucket provider pins allowedAccountIds; a given one must reach the same account.
  if (settings.accountId && accountId !== settings.accountId) {
    problems.push(`reaches account ${accountId ?? "(unknown)"}, storage:aws.accountId is ${settings.accountId}`);
  }
  return problems;
}

/**
 * The provider for `component`'s children: the aws provider its options carry (`provider`,
 * `providers`, or inherited from its parent), else a new one with the region, the account pin
 * and default tags from the settings.
 */
export function bucketProvider(
  name: string,
  component: pulumi.ComponentResource,
  settings: AwsSettings,
  stack: string,
): BucketProvider {
  const given = component.getProvider("aws:s3/bucket:Bucket");
  if (!given) {
    const provider = new aws.Provider(
      `${name}-aws`,
      {
        region: settings.region,
        ...(settings.accountId ? { allowedAccountIds: [settings.accountId] } : {}),
        defaultTags: { tags: { ...settings.tags, "secure-storage:stack": stack, "secure-storage:bucket": name } },
      },
      { parent: component },
    );
    return { provider };
  }
  // The caller's provider keeps its own default tags; settings.tags and the stack/bucket tags are
  // not forced onto it (docs/providers/aws.md).
  const opts = { parent: component, provider: given };
  const region = aws.getRegionOutput({}, opts).region;
  const accountId = settings.accountId ? aws.getCallerIdentityOutput({}, opts).accountId : undefined;
  const gate = pulumi.all([region, accountId]).apply(([r, a]) => {
    const problems = givenProviderProblems(settings, r, a);
    if (problems.length) {
      throw new Error(`AwsBucket "${name}": the aws provider from its resource options ${problems.join("; ")}`);
    }
    return [] as pulumi.Resource[];
  });
  return { provider: given, gate };
}
