/** Pulumi dynamic resources for MinIO, backed by the implementations in *-impl.ts. */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { lazyProvider } from "../dynamic";
import type { MinioBucketInputs } from "./bucket-impl";
import type { PolicyInputs, ServerCorsInputs, UserInputs } from "./identity-impl";

const bucketProvider = lazyProvider(path.join(__dirname, "bucket-impl"));

type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

export class MinioBucketResource extends pulumi.dynamic.Resource {
  declare readonly bucket: pulumi.Output<string>;
  declare readonly arn: pulumi.Output<string>;
  constructor(name: string, args: Inputs<MinioBucketInputs>, opts?: pulumi.CustomResourceOptions) {
    super(bucketProvider, name, { arn: undefined, ...args }, opts, "minio", "Bucket");
  }
}

const policyProvider = lazyProvider(path.join(__dirname, "policy-impl"));

export class MinioPolicyResource extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  constructor(name: string, args: Inputs<PolicyInputs>, opts?: pulumi.CustomResourceOptions) {
    super(policyProvider, name, args, opts, "minio", "Policy");
  }
}

const userProvider = lazyProvider(path.join(__dirname, "user-impl"));

export class MinioUserResource extends pulumi.dynamic.Resource {
  declare readonly accessKey: pulumi.Output<string>;
  declare readonly secretKey: pulumi.Output<string>;
  declare readonly generation: pulumi.Output<number>;
  constructor(name: string, args: Inputs<UserInputs>, opts?: pulumi.CustomResourceOptions) {
    super(userProvider, name, { accessKey: undefined, secretKey: undefined, ...args }, { ...opts, additionalSecretOutputs: ["secretKey"] }, "minio", "User");
  }
}

const corsProvider = lazyProvider(path.join(__dirname, "server-cors-impl"));

/** MinIO has no bucket CORS API; the allowed origins are one server-wide setting. */
export class MinioServerCors extends pulumi.dynamic.Resource {
  declare readonly origins: pulumi.Output<string[]>;
  constructor(name: string, args: Inputs<ServerCorsInputs>, opts?: pulumi.CustomResourceOptions) {
    super(corsProvider, name, args, opts, "minio", "ServerCors");
  }
}
