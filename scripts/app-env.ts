/**
 * npm run env -- <bucket> <key> [--stack dev] [--previous]
 * Prints the environment variables an application reads for one key. This prints a secret on
 * purpose (to feed a secret store or a local .env); it refuses to write to a terminal log in CI.
 */
import { parseArgs } from "node:util";
import type { StorageContract } from "../components/contract";
import { readStorageContract } from "./lib/workspace";

export function appEnv(contract: StorageContract, bucket: string, key: string, previous = false): Record<string, string> {
  const b = contract.buckets[bucket];
  if (!b) throw new Error(`no bucket "${bucket}" in the contract (have: ${Object.keys(contract.buckets).join(", ")})`);
  const k = b.keys[key];
  if (!k) throw new Error(`bucket "${bucket}" has no key "${key}" (have: ${Object.keys(b.keys).join(", ")})`);
  const cred = previous ? k.previous : k.current;
  if (!cred) throw new Error(`key "${key}" has no previous generation`);
  if (b.provider === "azure") {
    // Azure apps use the blob SDK: container URL + SAS token bound to the key's stored access policy.
    return {
      AZURE_STORAGE_BLOB_URL: b.endpoint,
      AZURE_STORAGE_CONTAINER: b.bucket,
      AZURE_STORAGE_SAS: cred.secret,
      AZURE_STORAGE_SAS_POLICY: cred.id,
      STORAGE_PRESIGN_DOWNLOAD_SECONDS: String(b.presign.downloadSeconds),
      STORAGE_KEY_GENERATION: String(cred.generation),
    };
  }
  const env: Record<string, string> = {
    S3_ENDPOINT: b.endpoint,
    S3_BUCKET: b.bucket,
    S3_REGION: b.region ?? "us-east-1",
    S3_FORCE_PATH_STYLE: b.provider === "minio" ? "true" : "false",
    ...(b.caBundle ? { S3_CA_BUNDLE_PEM: b.caBundle } : {}),
    S3_KEY_PREFIXES: k.prefixes.join(","),
    S3_PRESIGN_UPLOAD_SECONDS: String(b.presign.uploadSeconds),
    S3_PRESIGN_DOWNLOAD_SECONDS: String(b.presign.downloadSeconds),
    AWS_ACCESS_KEY_ID: cred.id,
    AWS_SECRET_ACCESS_KEY: cred.secret,
    STORAGE_KEY_GENERATION: String(cred.generation),
  };
  return env;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { stack: { type: "string", default: "dev" }, previous: { type: "boolean", default: false }, help: { type: "boolean", default: false } },
  });
  if (values.help || positionals.length !== 2) {
    console.log("Usage: npm run env -- <bucket> <key> [--stack dev] [--previous]");
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  if (process.env.CI && process.stdout.isTTY === false && !process.env.STORAGE_ENV_ALLOW_PIPE) {
    throw new Error("refusing to print credentials in CI; set STORAGE_ENV_ALLOW_PIPE=1 when piping into a secret store");
  }
  const storage = await readStorageContract(values.stack!);
  console.log(formatEnv(appEnv(storage, positionals[0], positionals[1], values.previous)));
}

/** `.env` lines; multi-line values (a CA bundle) are double-quoted with `\n`, as dotenv reads them. */
export function formatEnv(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => (v.includes("\n") ? `${k}="${v.replace(/\n/g, "\\n")}"` : `${k}=${v}`))
    .join("\n");
}

if (require.main === module) {
  main().catch((e: Error) => {
    console.error(`env failed: ${e.message}`);
    process.exit(1);
  });
}
