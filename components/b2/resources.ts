/**
 * The B2 resources of the secure-storage provider plugin (provider/): `secure-storage:b2:Bucket`
 * and `secure-storage:b2:ApplicationKey`. Usable on their own (see docs/providers/b2.md); the
 * account credentials are read by the provider from B2_APPLICATION_KEY_ID / B2_APPLICATION_KEY.
 */
import * as pulumi from "@pulumi/pulumi";
import { pluginOptions } from "../dynamic";
import type { B2BucketInputs } from "./bucket-impl";
import type { B2ApplicationKeyInputs } from "./key-impl";
import type { B2Capability, B2CorsRule, B2DefaultRetention, B2LifecycleRule, B2ServerSideEncryption } from "./types";

type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

export type B2BucketArgs = Inputs<B2BucketInputs>;

export class B2BucketResource extends pulumi.CustomResource {
  declare readonly bucketId: pulumi.Output<string>;
  declare readonly bucketName: pulumi.Output<string>;
  declare readonly bucketType: pulumi.Output<"allPrivate">;
  declare readonly accountId: pulumi.Output<string>;
  declare readonly s3ApiUrl: pulumi.Output<string>;
  declare readonly region: pulumi.Output<string>;
  declare readonly revision: pulumi.Output<number>;
  declare readonly corsRules: pulumi.Output<B2CorsRule[]>;
  declare readonly lifecycleRules: pulumi.Output<B2LifecycleRule[]>;
  declare readonly defaultServerSideEncryption: pulumi.Output<B2ServerSideEncryption>;
  declare readonly defaultRetention: pulumi.Output<B2DefaultRetention | undefined>;

  constructor(name: string, args: B2BucketArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "secure-storage:b2:Bucket",
      name,
      { bucketId: undefined, accountId: undefined, s3ApiUrl: undefined, region: undefined, revision: undefined, ...args },
      pluginOptions("b2:Bucket", opts),
    );
  }
}

export type B2ApplicationKeyArgs = Inputs<Omit<B2ApplicationKeyInputs, "capabilities">> & { capabilities: pulumi.Input<B2Capability[]> };

export class B2ApplicationKey extends pulumi.CustomResource {
  declare readonly applicationKeyId: pulumi.Output<string>;
  /** Secret. */
  declare readonly applicationKey: pulumi.Output<string>;
  declare readonly keyName: pulumi.Output<string>;
  declare readonly capabilities: pulumi.Output<B2Capability[]>;
  declare readonly bucketId: pulumi.Output<string>;
  declare readonly namePrefix: pulumi.Output<string | undefined>;
  declare readonly expirationTimestamp: pulumi.Output<number | undefined>;

  constructor(name: string, args: B2ApplicationKeyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "secure-storage:b2:ApplicationKey",
      name,
      { applicationKeyId: undefined, applicationKey: undefined, expirationTimestamp: undefined, ...args },
      // No deleteBeforeReplace here: an explicit value would override the provider's diff, which
      // creates first when the name changes and deletes first when it does not (key-impl.ts).
      pluginOptions("b2:ApplicationKey", opts),
    );
  }
}
