/**
 * Which stack a MinIO bucket belongs to, as a bucket tag. A create that dies half way leaves a
 * bucket outside the state; the tag lets the next create recognise it as its own and finish it,
 * and lets it refuse anybody else's bucket that happens to carry the name.
 * (No SDK imports: the program loads this too.)
 */

export const OWNER_TAG = "secure-storage:owner";

/** `<project>/<stack>/<logical bucket>`: unique per stack, like the physical bucket name. */
export function bucketOwner(project: string, stack: string, logical: string): string {
  return `${project}/${stack}/${logical}`;
}
