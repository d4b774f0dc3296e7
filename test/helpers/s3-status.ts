/** The HTTP status of an S3 SDK call: 200 when it succeeds, the server's status otherwise (-1: none). */
export async function s3Status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (e) {
    return (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? -1;
  }
}
