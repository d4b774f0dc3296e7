/** MinIO resources of the secure-storage provider plugin (provider/), implemented in *-impl.ts. */
import * as pulumi from "@pulumi/pulumi";
import { pluginOptions } from "../dynamic";
import type { MinioBucketInputs } from "./bucket-impl";
import type { PolicyInputs, ServerCorsInputs, UserInputs } from "./identity-impl";
import type { KeyInputs } from "./key-impl";

type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

export class MinioBucketResource extends pulumi.CustomResource {
  declare readonly bucket: pulumi.Output<string>;
  declare readonly arn: pulumi.Output<string>;
  constructor(name: string, args: Inputs<MinioBucketInputs>, opts?: pulumi.CustomResourceOptions) {
    super("secure-storage:minio:Bucket", name, { arn: undefined, ...args }, pluginOptions("minio:Bucket", opts));
  }
}

/**
 * One key generation: its canned policy and its user (key-impl.ts). It was a MinioPolicyResource
 * plus a MinioUserResource per generation; the alias moves such a user here with its credential
 * (the next update gives it a policy of its own, and the engine deletes the shared old policy).
 */
export class MinioKeyResource extends pulumi.CustomResource {
  declare readonly accessKey: pulumi.Output<string>;
  declare readonly secretKey: pulumi.Output<string>;
  declare readonly policyName: pulumi.Output<string>;
  constructor(name: string, args: Inputs<KeyInputs>, opts?: pulumi.CustomResourceOptions) {
    const inputs = { accessKey: undefined, secretKey: undefined, policyName: undefined, ...args };
    super("secure-storage:minio:Key", name, inputs, pluginOptions("minio:Key", opts));
  }
}

/** Before MinioKeyResource: one per key, shared by its generations. Kept for the tests of old state. */
export class MinioPolicyResource extends pulumi.CustomResource {
  declare readonly name: pulumi.Output<string>;
  constructor(name: string, args: Inputs<PolicyInputs>, opts?: pulumi.CustomResourceOptions) {
    super("secure-storage:minio:Policy", name, args, pluginOptions("minio:Policy", opts));
  }
}

/** Before MinioKeyResource: one per key generation. Kept for the tests of old state. */
export class MinioUserResource extends pulumi.CustomResource {
  declare readonly accessKey: pulumi.Output<string>;
  declare readonly secretKey: pulumi.Output<string>;
  declare readonly generation: pulumi.Output<number>;
  constructor(name: string, args: Inputs<UserInputs>, opts?: pulumi.CustomResourceOptions) {
    const inputs = { accessKey: undefined, secretKey: undefined, ...args };
    super("secure-storage:minio:User", name, inputs, pluginOptions("minio:User", opts));
  }
}

/** MinIO has no bucket CORS API; the allowed origins are one server-wide setting. */
export class MinioServerCors extends pulumi.CustomResource {
  declare readonly origins: pulumi.Output<string[]>;
  constructor(name: string, args: Inputs<ServerCorsInputs>, opts?: pulumi.CustomResourceOptions) {
    super("secure-storage:minio:ServerCors", name, args, pluginOptions("minio:ServerCors", opts));
  }
}
