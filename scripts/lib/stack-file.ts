/**
 * The committed Pulumi.<stack>.yaml as the source of truth for config: parsed through the same
 * validation as the program, and edited in place (comments and layout kept) by rotation.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { PROVIDERS } from "../../components/spec";
import { parseStackConfig, type RawStackConfig, type StackConfig } from "../../stacks/config";
import { ROOT } from "./workspace";

export function stackFilePath(stack: string): string {
  return path.join(ROOT, `Pulumi.${stack}.yaml`);
}

/** The `storage:*` values of a stack's config map, as the program reads them. */
export function rawStorageConfig(config: Record<string, unknown>): RawStackConfig {
  const raw: RawStackConfig = { buckets: config["storage:buckets"] };
  for (const p of PROVIDERS) if (config[`storage:${p}`] !== undefined) raw[p] = config[`storage:${p}`];
  return raw;
}

export function readStackFile(stack: string): StackConfig {
  const file = stackFilePath(stack);
  if (!fs.existsSync(file)) throw new Error(`no stack config ${path.relative(ROOT, file)}`);
  const doc = parseDocument(fs.readFileSync(file, "utf8"));
  const config = (doc.toJS() as { config?: Record<string, unknown> }).config ?? {};
  return parseStackConfig(rawStorageConfig(config));
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
  fs.writeFileSync(tmp, doc.toString());
  fs.renameSync(tmp, file);
}
