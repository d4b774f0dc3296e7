import * as https from "node:https";
import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { AccessKeyPair } from "./credentials";
import { assertTlsVerification, explainTlsError } from "./tls";

export interface S3Endpoint {
  /** `http://127.0.0.1:9000` or `https://minio.bank.internal:9443` */
  endpoint: string;
  region: string;
  caBundle?: string;
}

/**
 * One client per endpoint and credential for the life of the process: building a client resolves
 * the SDK's whole config chain (env, shared config files), which cost more CPU than the requests
 * in `verify` (docs/BENCHMARKS.md). Clients hold no per-request state.
 */
const clients = new Map<string, S3Client>();

/** A path-style S3 client for any S3-compatible endpoint, trusting `caBundle` when given. */
export function s3ClientFor(conn: S3Endpoint, creds: AccessKeyPair): S3Client {
  assertTlsVerification();
  const key = JSON.stringify([
    conn.endpoint,
    conn.region,
    conn.caBundle ?? "",
    creds.accessKeyId,
    creds.secretAccessKey,
    creds.sessionToken ?? "",
  ]);
  const cached = clients.get(key);
  if (cached) return cached;
  const client = new S3Client({
    endpoint: conn.endpoint,
    region: conn.region,
    forcePathStyle: true,
    credentials: creds,
    ...(conn.caBundle
      ? { requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: conn.caBundle }) }) }
      : {}),
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (e) {
        throw explainTlsError(e, conn.endpoint);
      }
    },
    { step: "finalizeRequest", name: "explainTlsErrors" },
  );
  clients.set(key, client);
  return client;
}
