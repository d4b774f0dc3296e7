/**
 * The S3 client an application uses for one bucket of the contract. It signs the way strict
 * S3-compatible servers (B2, older S3 clones) accept: no flexible-checksum parameters unless an
 * operation requires one, so a presigned PUT carries no `x-amz-checksum-*` of an empty body.
 */
import * as https from "node:https";
import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { BucketContract, Credential } from "../components/contract";
import { keyPair, type AccessKeyPair } from "../lib/credentials";

/** A key's credential, or any access key pair (operators' admin keys in tests). */
export type Signer = Pick<Credential, "id" | "secret"> | AccessKeyPair;

export function appClient(bucket: BucketContract, cred: Signer): S3Client {
  const credentials = keyPair(cred);
  return new S3Client({
    endpoint: bucket.endpoint,
    region: bucket.region ?? "us-east-1",
    // S3-compatible servers on a host:port have no per-bucket DNS names.
    forcePathStyle: bucket.provider !== "aws",
    credentials,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    ...(bucket.caBundle ? { requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: bucket.caBundle }) }) } : {}),
  });
}
