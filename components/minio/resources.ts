/** Pulumi dynamic resources for MinIO, backed by the implementations in *-impl.ts. */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { lazyProvider } from "../dynamic";
import type { MinioConnection } from "./admin-client";
import type { LifecycleRule, ObjectLock } from "../spec";

const bucketProvider = lazyProvider(path.join(__dirname, "bucket-impl"));

type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

export interface MinioBucketResourceArgs {
  conn: MinioConnection;
  bucket: string;
  versioning: boolean;
  kmsKeyId: string;
  lifecycle: LifecycleRule[];
  objectLock?: ObjectLock;
  forceDestroy: boolean;
}

export class MinioBucketResource extends pulumi.dynamic.Resource {
  declare readonly bucket: pulumi.Output<string>;
  declare readonly arn: pulumi.Output<string>;
  constructor(name: string, args: Inputs<MinioBucketResourceArgs>, opts?: pulumi.CustomResourceOptions) {
    super(bucketProvider, name, { arn: undefined, ...args }, opts, "minio", "Bucket");
  }
}

const policyProvider = lazyProvider(path.join(__dirname, "policy-impl"));

export class MinioPolicyResource extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  constructor(name: string, args: Inputs<{ conn: MinioConnection; name: string; document: string }>, opts?: pulumi.CustomResourceOptions) {
    super(policyProvider, name, args, opts, "minio", "Policy");
  }
}

const userProvider = lazyProvider(path.join(__dirname, "user-impl"));

export class MinioUserResource extends pulumi.dynamic.Resource {
  declare readonly accessKey: pulumi.Output<string>;
  declare readonly secretKey: pulumi.Output<string>;
  declare readonly generation: pulumi.Output<number>;
  constructor(
    name: string,
    args: Inputs<{ conn: MinioConnection; policyName: string; generation: number; label: string }>,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(userProvider, name, { accessKey: undefined, secretKey: undefined, ...args }, { ...opts, additionalSecretOutputs: ["secretKey"] }, "minio", "User");
  }
}

const corsProvider = lazyProvider(path.join(__dirname, "server-cors-impl"));

/** MinIO has no bucket CORS API; the allowed origins are one server-wide setting. */
export class MinioServerCors extends pulumi.dynamic.Resource {
  declare readonly origins: pulumi.Output<string[]>;
  constructor(name: string, args: Inputs<{ conn: MinioConnection; origins: string[] }>, opts?: pulumi.CustomResourceOptions) {
    super(corsProvider, name, args, opts, "minio", "ServerCors");
  }
}
