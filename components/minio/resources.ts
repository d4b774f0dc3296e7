/** MinIO resources of the secure-storage provider plugin (provider/), implemented in *-impl.ts. */
import * as pulumi from "@pulumi/pulumi";
import { pluginOptions } from "../dynamic";
import type { MinioBucketInputs } from "./bucket-impl";
import type { PolicyInputs, ServerCorsInputs, UserInputs } from "./identity-impl";

type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

export class MinioBucketResource extends pulumi.CustomResource {
  declare readonly bucket: pulumi.Output<string>;
  declare readonly arn: pulumi.Output<string>;
  constructor(name: string, args: Inputs<MinioBucketInputs>, opts?: pulumi.CustomResourceOptions) {
    super("secure-storage:minio:Bucket", name, { arn: undefined, ...args }, pluginOptions("minio:Bucket", opts));
  }
}

export class MinioPolicyResource extends pulumi.CustomResource {
  declare readonly name: pulumi.Output<string>;
  constructor(name: string, args: Inputs<PolicyInputs>, opts?: pulumi.CustomResourceOptions) {
    super("secure-storage:minio:Policy", name, args, pluginOptions("minio:Policy", opts));
  }
}

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
