/**
 * What makes a B2 bucket or key recognisably this stack's own, so that a create interrupted after
 * B2 acted (process killed, answer lost) can be finished by the next `pulumi up` without ever
 * adopting or deleting something another stack or a person made.
 *
 * - A bucket carries an owner marker, "<project>/<stack>/<logical>", in its bucketInfo from the
 *   b2_create_bucket call itself (atomic: there is never a bucket of ours without it).
 * - A key's name is unique per (stack, bucket, key, generation); B2 key names are not unique, so
 *   "exactly this name" is how a later create finds what an interrupted one left behind.
 */
import { createHash } from "node:crypto";

/** bucketInfo entry holding the owner marker (B2 bucketInfo names: letters, digits, "-", "_"). */
export const OWNER_INFO_KEY = "secure-storage-owner";

const MAX_OWNER_LENGTH = 200;

/** The owner marker of a bucket: who may adopt it when a create finds its name already taken. */
export function ownerMarker(project: string, stack: string, logical: string): string {
  return `${project}/${stack}/${logical}`;
}

export function ownerProblem(owner: unknown): string | undefined {
  if (typeof owner !== "string") return 'must be a string "<project>/<stack>/<logical>"';
  if (!/^[^/\s]+\/[^/\s]+\/[^/\s]+$/.test(owner) || owner.length > MAX_OWNER_LENGTH) {
    return `"${owner}" must be "<project>/<stack>/<logical>" (no spaces, at most ${MAX_OWNER_LENGTH} characters)`;
  }
  return undefined;
}

/** The bucketInfo B2 should hold: the program's entries plus the owner marker. */
export function withOwner(bucketInfo: Record<string, string> | undefined, owner: string): Record<string, string> {
  return { ...bucketInfo, [OWNER_INFO_KEY]: owner };
}

/** A bucket's bucketInfo split into the owner marker and the program's own entries. */
export function splitOwner(bucketInfo: Record<string, string> | undefined): {
  owner?: string;
  rest: Record<string, string>;
} {
  const { [OWNER_INFO_KEY]: owner, ...rest } = bucketInfo ?? {};
  return { owner, rest };
}

/** How a refusal names a bucket's marker. */
export const describeOwner = (owner: string | undefined): string =>
  owner === undefined ? "no owner marker" : `owner marker "${owner}"`;

/**
 * B2 key name for one generation of one key of one bucket of one stack:
 * `<bucket>-<key>-g<n>-<tag>`, the tag hashing owner, key and generation so the name stays unique
 * when the readable part is cut to B2's 100 characters.
 */
export function b2KeyName(bucketName: string, keyName: string, generation: number, owner: string): string {
  const tag = createHash("sha256").update(`${owner}|${keyName}|g${generation}`).digest("hex").slice(0, 8);
  const suffix = `-${keyName}-g${generation}-${tag}`;
  return `${bucketName.slice(0, Math.max(0, 100 - suffix.length))}${suffix}`;
}
