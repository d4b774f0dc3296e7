/**
 * npm run rotate -- <bucket> <key> [--stack dev] [--yes] [--dry-run]
 * Rotates one key with no failed application request: bump -> up -> verify new and old ->
 * (applications switch) -> retire -> up -> verify old denied. Re-run to resume after any stop.
 */
import { parseArgs } from "node:util";
import { adminCredentialsFromEnv } from "../components/minio/admin-client";
import { verifyContract } from "../checks/verify";
import type { StorageContract } from "../components/contract";
import { rotate, RotationError, type RotationTarget } from "./lib/rotation";
import { editKeyInStackFile, readStackSpec } from "./lib/stack-file";
import { deployedContract, openProjectStack } from "./lib/workspace";

const HELP = `Usage: npm run rotate -- <bucket> <key> [--stack dev] [--yes] [--dry-run]
  Rotates the credential of one key through two stack updates, verifying between steps.
  --stack NAME   stack (default dev); its Pulumi.<stack>.yaml is edited in place
  --yes          continue past the "switch applications" point and retire the old credential
  --dry-run      print where the rotation stands and the remaining steps; change nothing`;

export function fileTarget(stack: string): RotationTarget {
  return {
    stack,
    keySpec(bucket, key) {
      const k = readStackSpec(stack).buckets[bucket]?.keys[key];
      if (!k) throw new RotationError(`storage:buckets.${bucket}.keys.${key}: no such key in Pulumi.${stack}.yaml`);
      return k;
    },
    async updateKey(bucket, key, patch) {
      editKeyInStackFile(stack, bucket, key, patch);
      readStackSpec(stack); // the edit must still be a valid spec
    },
    async contract() {
      return deployedContract(await openProjectStack(stack));
    },
    async up() {
      const s = await openProjectStack(stack);
      const r = await s.up({ color: "never", onOutput: (l) => process.stdout.write(l) });
      return r.outputs.storage.value as StorageContract;
    },
    async verify(contract, bucket, retired) {
      const admin = process.env.MINIO_ROOT_USER ? adminCredentialsFromEnv() : undefined;
      return verifyContract({ buckets: { [bucket]: contract.buckets[bucket] } }, admin, retired ? { retired: { [bucket]: retired } } : {});
    },
  };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      stack: { type: "string", default: "dev" },
      yes: { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return void console.log(HELP);
  if (positionals.length !== 2) throw new RotationError(`expected <bucket> <key>\n${HELP}`);
  const [bucket, key] = positionals;
  await rotate(fileTarget(values.stack!), bucket, key, { yes: values.yes, dryRun: values["dry-run"] });
}

if (require.main === module) {
  main().catch((e: Error) => {
    const err = e as Error & { commandResult?: { stderr?: string } };
    console.error(`\nrotate failed: ${err.commandResult?.stderr?.trim() || err.message}`);
    process.exit(1);
  });
}
