/**
 * Whether an existing bucket with our name may be finished by this create. Ours if it carries our
 * owner tag (a create that died after tagging), or if it carries no tags and holds nothing (one
 * that died between CreateBucket and tagging: the name is unique per stack). Anything else is
 * somebody else's and stays untouched.
 */
import {
  GetBucketTaggingCommand,
  GetObjectLockConfigurationCommand,
  ListObjectVersionsCommand,
  PutBucketTaggingCommand,
  type S3Client,
  type Tag,
} from "@aws-sdk/client-s3";
import { NOT_CONFIGURED, unlessAbsent } from "./not-found";
import { OWNER_TAG } from "./owner";

export interface AdoptionRequest {
  bucket: string;
  endpoint: string;
  owner: string;
  objectLock: boolean;
}

async function tagsOf(s3: S3Client, Bucket: string): Promise<Tag[]> {
  return (await unlessAbsent(s3.send(new GetBucketTaggingCommand({ Bucket })), NOT_CONFIGURED.tagging))?.TagSet ?? [];
}

/** Why the existing bucket must not be adopted, in one line; undefined when it is ours to finish. */
export async function adoptionProblem(s3: S3Client, req: AdoptionRequest): Promise<string | undefined> {
  const Bucket = req.bucket;
  const where = `bucket "${Bucket}" already exists on ${req.endpoint}`;
  const refuse = "refusing to adopt a bucket this stack did not create (import it or choose another stack name)";
  const tags = await tagsOf(s3, Bucket);
  const owner = tags.find((t) => t.Key === OWNER_TAG)?.Value;
  if (owner !== undefined && owner !== req.owner) return `${where}, owned by "${owner}" (tag ${OWNER_TAG}); ${refuse}`;
  if (owner === undefined && tags.length) {
    return `${where}, tagged by someone else (${tags.map((t) => t.Key).join(", ")}; no ${OWNER_TAG}); ${refuse}`;
  }
  // An interrupted create of ours is always empty: applications get keys only after a deploy. A
  // bucket with data and our tag belongs to another state of the same stack name (a second clone,
  // a re-created stack), and adopting it would hand its data to this one (and to its destroy).
  const page = await s3.send(new ListObjectVersionsCommand({ Bucket, MaxKeys: 1 }));
  if (page.Versions?.length || page.DeleteMarkers?.length) {
    const whose = owner === undefined ? "untagged" : `tagged "${owner}" like this stack`;
    return `${where}, ${whose} and holding objects; ${refuse}`;
  }
  const lock = await unlessAbsent(
    s3.send(new GetObjectLockConfigurationCommand({ Bucket })),
    NOT_CONFIGURED.objectLock,
  );
  const locked = lock?.ObjectLockConfiguration?.ObjectLockEnabled === "Enabled";
  if (locked !== req.objectLock) {
    const [has, can] = locked ? ["with", "turn off"] : ["without", "turn on"];
    return `${where} ${has} object lock, which MinIO cannot ${can} for an existing bucket; delete it or change objectLock`;
  }
  return undefined;
}

/** Set our owner tag, keeping any other tag on the bucket. */
export async function tagOwner(s3: S3Client, Bucket: string, owner: string): Promise<void> {
  const others = (await tagsOf(s3, Bucket)).filter((t) => t.Key !== OWNER_TAG);
  await s3.send(
    new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: [...others, { Key: OWNER_TAG, Value: owner }] } }),
  );
}
