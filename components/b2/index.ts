/**
 * B2Bucket (`secure-storage:b2:PrivateBucket`): a private, SSE-B2-encrypted Backblaze B2 bucket with
 * least-privilege application keys, from a BucketSpec. Each key generation is its own
 * ApplicationKey resource (`${bucket}-${key}-g${n}`), so a rotation creates the new key before the
 * previous one is retired, and an unrelated change never replaces the current key.
 *
 * The bucket carries this stack's owner marker and each key a name of its own per stack, bucket,
 * key and generation (ownership.ts), so an interrupted `up` is finished by the next one. A change
 * of a key's access without a new generation keeps its name, so that key is deleted first.
 */
import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES, renamedComponentOptions } from "../component-types";
import type { BucketContract, ContractInput, KeyContract } from "../contract";
import { staticKey } from "../key-slots";
import { retainOptions } from "../retain";
import type { BucketSpec } from "../spec";
import { b2Capabilities, b2CorsRules, b2DefaultRetention, b2LifecycleRules, b2SpecProblems, keyNameProblem, SSE_B2 } from "./capabilities";
import { B2ApplicationKey, B2BucketResource } from "./resources";
import { b2KeyName, ownerMarker } from "./ownership";
import { b2ApiUrl, type B2Settings } from "./settings";

export { B2Settings } from "./settings";
export { B2ApplicationKey, B2BucketResource } from "./resources";
export { b2KeyName, ownerMarker } from "./ownership";

export interface B2BucketArgs {
  /** Physical bucket name (see naming.ts); B2 names are global across all accounts. */
  bucketName: string;
  spec: BucketSpec;
  settings: B2Settings;
  /** Recorded in B2's bucketInfo so a bucket can be traced to its stack. */
  stack?: string;
}

export class B2Bucket extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly bucketId: pulumi.Output<string>;
  /**
   * This bucket's entry in the `storage` stack output. Not a registered component output: the
   * stack output holds it, and a second copy in the state would be rewritten on every checkpoint.
   */
  readonly contract: ContractInput<BucketContract>;

  constructor(name: string, args: B2BucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT_TYPES.b2, name, {}, renamedComponentOptions(COMPONENT_TYPES.b2, opts));
    const { spec, settings, bucketName } = args;
    if (spec.provider !== "b2") throw new Error(`B2Bucket "${name}": spec.provider is "${spec.provider}", expected "b2"`);
    // The adapter reports these before anything is registered; direct users of the component get them here.
    const problems = b2SpecProblems(name, spec, bucketName);
    if (problems.length) throw new Error(`B2Bucket "${name}": invalid spec:\n  ${problems.join("\n  ")}`);

    const owner = ownerMarker(pulumi.getProject(), pulumi.getStack(), name);
    // No credentials here: the providers read them from their environment (settings.ts).
    const account = { apiUrl: b2ApiUrl(settings) };

    const bucket = new B2BucketResource(
      name,
      {
        ...account,
        bucketName,
        bucketType: "allPrivate",
        defaultServerSideEncryption: SSE_B2,
        corsRules: b2CorsRules(spec.cors),
        lifecycleRules: b2LifecycleRules(spec.lifecycle).rules,
        bucketInfo: { "managed-by": "secure-storage", ...(args.stack ? { stack: args.stack } : {}), logical: name },
        owner,
        ...(spec.objectLock ? { fileLockEnabled: true, defaultRetention: b2DefaultRetention(spec.objectLock) } : {}),
      },
      // The retain rule (spec.ts): the bucket holds the data.
      { parent: this, ...retainOptions(spec) },
    );

    const keys: Record<string, ContractInput<KeyContract>> = {};
    for (const [keyName, key] of Object.entries(spec.keys)) {
      const capabilities = b2Capabilities(key);
      const slot = (generation: number) => {
        const b2Name = b2KeyName(bucketName, keyName, generation, owner);
        const p = keyNameProblem(b2Name);
        if (p) throw new Error(`storage:buckets.${name}.keys.${keyName}: ${p}`);
        return new B2ApplicationKey(
          `${name}-${keyName}-g${generation}`,
          {
            ...account,
            keyName: b2Name,
            capabilities,
            bucketId: bucket.bucketId,
            ...(key.prefixes[0] ? { namePrefix: key.prefixes[0] } : {}),
          },
          { parent: this },
        );
      };
      keys[keyName] = staticKey(key, slot, (k) => ({ id: k.applicationKeyId, secret: k.applicationKey }));
    }

    this.bucketName = bucket.bucketName;
    this.bucketId = bucket.bucketId;
    this.contract = {
      provider: "b2",
      bucket: bucket.bucketName,
      region: bucket.region,
      endpoint: bucket.s3ApiUrl,
      presign: spec.presign,
      // Enforced by the presign helpers (signed Content-Type/Content-Length), not by bucket config.
      uploads: spec.uploads,
      cors: spec.cors,
      keys,
    };
    this.registerOutputs({ bucketName: this.bucketName, bucketId: this.bucketId });
  }
}
