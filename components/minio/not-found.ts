/**
 * Only a "does not exist" answer means absent. Any other failure (a server that is down, denied,
 * or half-restarted) must surface, or a read reports a bucket as unencrypted because MinIO was
 * briefly unreachable and a create treats a failed undo as done.
 */

/** The S3 error names MinIO answers with when a bucket sub-resource is not configured. */
export const NOT_CONFIGURED = {
  encryption: "ServerSideEncryptionConfigurationNotFoundError",
  lifecycle: "NoSuchLifecycleConfiguration",
  policy: "NoSuchBucketPolicy",
  tagging: "NoSuchTagSet",
  objectLock: "ObjectLockConfigurationNotFoundError",
} as const;

export function errorName(e: unknown): string | undefined {
  return (e as { name?: string } | undefined)?.name;
}

/** The result, or undefined when the call failed with exactly the `absent` error name. */
export async function unlessAbsent<T>(call: Promise<T>, absent: string): Promise<T | undefined> {
  try {
    return await call;
  } catch (e) {
    if (errorName(e) === absent) return undefined;
    throw e;
  }
}
