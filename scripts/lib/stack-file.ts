/**
 * The committed Pulumi.<stack>.yaml as the source of truth for config: parsed through the same
 * validation as the program, and edited in place (comments and layout kept) by rotation.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { parseStorageSpec, type StorageSpec } from "../../components/spec";
import { ROOT } from "./workspace";

export function stackFilePath(stack: string): string {
  return path.join(ROOT, `Pulumi.${stack}.yaml`);
}

function stackFileConfig(stack: string): Record<string, unknown> {
  const file = stackFilePath(stack);
  if (!fs.existsSync(file)) throw new Error(`no stack config ${path.relative(ROOT, file)}`);
  return (parseDocument(fs.readFileSync(file, "utf8")).toJS() as { config?: Record<string, unknown> }).config ?? {};
}

/**
 * Only `storage:buckets` (keys, generations): what rotation and the generation check need. Provider
 * settings are left to the program, which knows whether it previews or deploys (a preview may run
 * without deploy-only credentials such as B2's account key).
 */
export function readStackSpec(stack: string): StorageSpec {
  return parseStorageSpec({ buckets: stackFileConfig(stack)["storage:buckets"] });
}

/** Set (or with `undefined`, delete) one field of a key in the stack file, keeping everything else. */
export function editKeyInStackFile(stack: string, bucket: string, key: string, patch: Record<string, number | boolean | undefined>): void {
  const file = stackFilePath(stack);
  const doc = parseDocument(fs.readFileSync(file, "utf8"));
  const at = ["config", "storage:buckets", bucket, "keys", key];
  if (!doc.hasIn(at)) throw new Error(`storage:buckets.${bucket}.keys.${key}: not in ${path.basename(file)}`);
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) doc.deleteIn([...at, field]);
    else doc.setIn([...at, field], value);
  }
  const tmp = `${file}.tmp`;
  // Pulumi's own layout (flow maps without padding, no folding), so a `pulumi` rewrite changes nothing.
  fs.writeFileSync(tmp, doc.toString({ flowCollectionPadding: false, lineWidth: 0 }));
  fs.renameSync(tmp, file);
}
