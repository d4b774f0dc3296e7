/** Access key pairs as the S3 SDK takes them, and the operator's admin pair from the environment. */

export interface AccessKeyPair {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials (an assumed role) carry a session token. */
  sessionToken?: string;
}

/** The operator's keys: used by `verify` only to plant and remove test objects, never to judge. */
export type AdminCredentials = AccessKeyPair;

/** A contract credential (`{id, secret}`) or a key pair, as the SDK wants it. */
export function keyPair(cred: { id: string; secret: string } | AccessKeyPair): AccessKeyPair {
  return "id" in cred ? { accessKeyId: cred.id, secretAccessKey: cred.secret } : cred;
}

/** Admin credentials from MINIO_ROOT_USER / MINIO_ROOT_PASSWORD (what `npm run services` and MinIO itself use). */
export function adminCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): AdminCredentials {
  const accessKeyId = env.MINIO_ROOT_USER;
  const secretAccessKey = env.MINIO_ROOT_PASSWORD;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(
      "MINIO_ROOT_USER and MINIO_ROOT_PASSWORD must be set (local MinIO: set -a; . .local/minio.env; set +a)",
    );
  }
  return { accessKeyId, secretAccessKey };
}
