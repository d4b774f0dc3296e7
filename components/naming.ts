import { createHash } from "node:crypto";

/**
 * Physical bucket name: `<logical>-<stack>-<6 hex>`, stable for a given project/stack/logical
 * name and unique across stacks, within S3/GCS/B2 naming rules (3-63 chars, lowercase).
 */
export function physicalBucketName(project: string, stack: string, logical: string): string {
  const hash = createHash("sha256").update(`${project}/${stack}/${logical}`).digest("hex").slice(0, 6);
  const stackPart = stack.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 20);
  const base = `${logical}-${stackPart}`.slice(0, 63 - 7).replace(/-+$/, "");
  return `${base}-${hash}`;
}
