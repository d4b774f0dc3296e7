/**
 * The B2 provider's resources: `pulumi-nodejs:dynamic/b2:Bucket` and
 * `pulumi-nodejs:dynamic/b2:ApplicationKey`. Usable on their own (see docs/providers/b2.md); the
 * account credentials are read by the provider from B2_APPLICATION_KEY_ID / B2_APPLICATION_KEY.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { lazyProvider } from "../dynamic";
import type { B2BucketInputs } from "./bucket-impl";
import type { B2ApplicationKeyInputs } from "./key-impl";
import type { B2Capability, B2CorsRule, B2DefaultRetention, B2LifecycleRule, B2ServerSideEncryption } from "./types";

type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

const bucketProvider = lazyProvider(path.join(__dirname, "bucket-impl"));

export type B2BucketArgs = Inputs<B2BucketInputs>;

export class B2BucketResource extends pulumi.dynamic.Resource {
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
      bucketProvider,
      name,
      { bucketId: undefined, accountId: undefined, s3ApiUrl: undefined, region: undefined, revision: undefined, ...args },
      opts,
      "b2",
      "Bucket",
    );
  }
}

const keyProvider = lazyProvider(path.join(__dirname, "key-impl"));

export type B2ApplicationKeyArgs = Inputs<Omit<B2ApplicationKeyInputs, "capabilities">> & { capabilities: pulumi.Input<B2Capability[]> };

export class B2ApplicationKey extends pulumi.dynamic.Resource {
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
      keyProvider,
      name,
      { applicationKeyId: undefined, applicationKey: undefined, expirationTimestamp: undefined, ...args },
      // No deleteBeforeReplace here: an explicit value would override the provider's diff, which
      // creates first when the name changes and deletes first when it does not (key-impl.ts).
      { ...opts, additionalSecretOutputs: ["applicationKey"] },
      "b2",
      "ApplicationKey",
    );
  }
}
