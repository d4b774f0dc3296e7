/**
 * npm run env -- <bucket> <key> [--stack dev] [--previous] [--format dotenv|shell|json] [--out FILE]
 * The environment an application reads for one key: the standard AWS_* names every AWS SDK and
 * CLI picks up with no endpoint in code, plus what SDKs have no variable for (client/env.ts).
 * Every key kind: a static key gets its credential, a role key the role to assume, an identity
 * key its principal (STORAGE_KEY_KIND says which).
 * It prints a secret on purpose (for a secret store or a local .env); `--out` writes the file
 * with mode 0600, and in CI it refuses to print to a pipe.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import type { StorageContract } from "../components/contract";
import { readStorageOutput } from "../lib/stack-output";
import { LOCAL } from "./lib/workspace";

export type EnvFormat = "dotenv" | "shell" | "json";

/**
 * `caFile` is where the bucket's CA bundle was written, for AWS_CA_BUNDLE (SDKs take a path, not
 * PEM text); the PEM itself is also in S3_CA_BUNDLE_PEM for clients that take text.
 */
export function appEnv(contract: StorageContract, bucket: string, key: string, previous = false, caFile?: string): Record<string, string> {
  const b = contract.buckets[bucket];
  if (!b) throw new Error(`no bucket "${bucket}" in the contract (have: ${Object.keys(contract.buckets).join(", ")})`);
  const k = b.keys[key];
  if (!k) throw new Error(`bucket "${bucket}" has no key "${key}" (have: ${Object.keys(b.keys).join(", ")})`);
  if (previous && k.kind !== "static") {
    throw new Error(`key "${key}" is a ${k.kind} key: it has no static credential, so no previous one`);
  }
  const cred = k.kind !== "static" ? undefined : previous ? k.previous : k.current;
  if (k.kind === "static" && !cred) throw new Error(`key "${key}" has no previous generation`);
  const common = {
    STORAGE_PROVIDER: b.provider,
    STORAGE_KEY_KIND: k.kind,
    STORAGE_KEY_ACCESS: k.access.join(","),
    ...(cred ? { STORAGE_KEY_GENERATION: String(cred.generation) } : {}),
  };
  if (k.kind === "identity") {
    // The app signs in as the principal itself (DefaultAzureCredential); there is no secret to hand out.
    return {
      AZURE_STORAGE_BLOB_URL: b.endpoint,
      AZURE_STORAGE_CONTAINER: b.bucket,
      STORAGE_PRINCIPAL_ID: k.principalId,
      ...(k.userDelegationSas !== undefined ? { STORAGE_USER_DELEGATION_SAS: String(k.userDelegationSas) } : {}),
      STORAGE_KEY_PREFIXES: k.prefixes.join(","),
      STORAGE_PRESIGN_DOWNLOAD_SECONDS: String(b.presign.downloadSeconds),
      ...common,
    };
  }
  if (b.provider === "azure" && cred) {
    // Azure apps use the blob SDK: container URL + SAS token bound to the key's stored access policy.
    return {
      AZURE_STORAGE_BLOB_URL: b.endpoint,
      AZURE_STORAGE_CONTAINER: b.bucket,
      AZURE_STORAGE_SAS: cred.secret,
      AZURE_STORAGE_SAS_POLICY: cred.id,
      ...(cred.expiresAt ? { AZURE_STORAGE_SAS_EXPIRES_AT: cred.expiresAt } : {}),
      STORAGE_PRESIGN_DOWNLOAD_SECONDS: String(b.presign.downloadSeconds),
      ...common,
    };
  }
  const region = b.region ?? "us-east-1";
  return {
    AWS_ENDPOINT_URL_S3: b.endpoint,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    // A role key hands out the role to assume (by a principal its trust policy names), never a
    // secret. Not AWS_ROLE_ARN: with AWS_WEB_IDENTITY_TOKEN_FILE (EKS IRSA) the SDKs would swap the
    // app's own identity for it in the default credential chain.
    ...(cred
      ? { AWS_ACCESS_KEY_ID: cred.id, AWS_SECRET_ACCESS_KEY: cred.secret }
      : k.kind === "role"
        ? {
            STORAGE_ROLE_ARN: k.roleArn,
            STORAGE_ROLE_MAX_SESSION_SECONDS: String(k.maxSessionSeconds),
            ...(k.externalId ? { STORAGE_ROLE_EXTERNAL_ID: k.externalId } : {}),
          }
        : {}),
    ...(caFile ? { AWS_CA_BUNDLE: caFile } : {}),
    S3_ENDPOINT: b.endpoint,
    S3_BUCKET: b.bucket,
    S3_REGION: region,
    S3_FORCE_PATH_STYLE: b.provider === "aws" ? "false" : "true",
    ...(b.caBundle ? { S3_CA_BUNDLE_PEM: b.caBundle } : {}),
    S3_KEY_PREFIXES: k.prefixes.join(","),
    S3_PRESIGN_UPLOAD_SECONDS: String(b.presign.uploadSeconds),
    S3_PRESIGN_DOWNLOAD_SECONDS: String(b.presign.downloadSeconds),
    STORAGE_UPLOAD_RULES: JSON.stringify(b.uploads ?? []),
    ...(b.uploadHeaders && Object.keys(b.uploadHeaders).length ? { STORAGE_UPLOAD_HEADERS: JSON.stringify(b.uploadHeaders) } : {}),
    ...common,
  };
}

const shellQuote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
/**
 * dotenv: bare when safe, else single quotes (literal in dotenv readers and in bash `set -a; .`),
 * and only a multi-line value (a PEM) in double quotes with \n, which dotenv readers expand.
 */
function dotenvQuote(v: string): string {
  if (/^[A-Za-z0-9_./:@,+=-]*$/.test(v)) return v;
  if (!v.includes("'") && !v.includes("\n")) return `'${v}'`;
  return `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

export function formatEnv(env: Record<string, string>, format: EnvFormat = "dotenv"): string {
  if (format === "json") return JSON.stringify(env, null, 2);
  if (format === "shell") return Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(v)}`).join("\n");
  return Object.entries(env).map(([k, v]) => `${k}=${dotenvQuote(v)}`).join("\n");
}

/** Write a secret-bearing file readable by its owner only, also when it already existed. */
export function writePrivate(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

const HELP = `Usage: npm run env -- <bucket> <key> [--stack dev] [--previous] [--format dotenv|shell|json] [--out FILE]
  Prints (or with --out writes, mode 0600) the environment an application needs for one key:
  AWS_ENDPOINT_URL_S3, AWS_REGION, AWS_ACCESS_KEY_ID, ... read by every AWS SDK and CLI, plus
  S3_BUCKET, S3_KEY_PREFIXES, presign lifetimes and STORAGE_UPLOAD_RULES (client/env.ts reads them).
  A private CA is written next to --out (FILE.ca.pem), else under .local/env/, for AWS_CA_BUNDLE.`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      stack: { type: "string", default: "dev" },
      previous: { type: "boolean", default: false },
      format: { type: "string", default: "dotenv" },
      out: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help || positionals.length !== 2) {
    console.log(HELP);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const format = values.format as EnvFormat;
  if (!["dotenv", "shell", "json"].includes(format)) throw new Error(`--format ${format}: must be dotenv, shell or json`);
  if (!values.out && process.env.CI && process.stdout.isTTY === false && !process.env.STORAGE_ENV_ALLOW_PIPE) {
    throw new Error("refusing to print credentials in CI; use --out FILE, or set STORAGE_ENV_ALLOW_PIPE=1 when piping into a secret store");
  }
  const [bucket, key] = positionals;
  const storage = await readStorageOutput(values.stack!);
  const pem = storage.buckets[bucket]?.caBundle;
  let caFile: string | undefined;
  if (pem) {
    caFile = path.resolve(values.out ? `${values.out}.ca.pem` : path.join(LOCAL, "env", `${values.stack}-${bucket}.ca.pem`));
    writePrivate(caFile, pem);
  }
  const text = `${formatEnv(appEnv(storage, bucket, key, values.previous, caFile), format)}\n`;
  if (values.out) {
    writePrivate(values.out, text);
    console.error(`wrote ${values.out} (mode 0600)`);
  } else process.stdout.write(text);
}

if (require.main === module) {
  main().catch((e: Error) => {
    console.error(`env failed: ${e.message}`);
    process.exit(1);
  });
}
