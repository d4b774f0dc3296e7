/**
 * npm run backend -- bootstrap | restore: team Pulumi state on S3-compatible storage (docs/team-state.md).
 * The state bucket is built by this project's own program from a small stack (Pulumi.backend.yaml)
 * that lives on the local file backend: a bucket cannot hold the state that creates it.
 */
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import * as zlib from "node:zlib";
import type { S3Client } from "@aws-sdk/client-s3";
import { parse } from "yaml";
import type { BucketContract, StorageContract } from "../components/contract";

// Not scripts/lib/workspace: it loads the Automation API, seconds of start-up for a script that
// only runs the CLI. The S3 SDK is loaded by `restore` alone, for the same reason.
const ROOT = path.resolve(__dirname, "..");
const LOCAL = path.join(ROOT, ".local");
type S3Sdk = typeof import("@aws-sdk/client-s3");

/** KEY=VALUE lines (.local/minio.env) into process.env, without overriding the shell. */
function loadEnvFile(file: string): void {
  if (!fs.existsSync(file)) return;
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m && process.env[m[1]] === undefined) process.env[m[1]] = m[2];
  }
}

const USAGE = `Usage: npm run backend -- <command> [options]
  bootstrap [--stack backend] [--config-file FILE]
      Creates (or updates) the state bucket with this project's program: \`pulumi up\` of the stack
      (Pulumi.<stack>.yaml, kept on the local file backend whatever PULUMI_BACKEND_URL says). Prints
      the \`pulumi login\` URL and the variable names CI needs; writes their values, the bucket's
      \`ci\` key included, to .local/backend-<stack>.env (mode 0600), never to the terminal.
  restore <stack> [--project secure-storage] [--backend-stack backend] [--version-id ID] [--list]
      Puts the previous version of the stack's checkpoint (.pulumi/stacks/<project>/<stack>.json)
      back as the current one, by copying it: every version stays in the history. --version-id
      picks another version, --list prints them. The bucket is the one PULUMI_BACKEND_URL names
      (s3://...), else the backend stack's. Operator credentials: MINIO_ROOT_USER /
      MINIO_ROOT_PASSWORD (else .local/minio.env) for an endpoint, else the AWS SDK's usual chain.`;

class UsageError extends Error {}

/** The one key the CLI uses; its grant lives in the stack file (prefix .pulumi/, with delete for lock files). */
const CI_KEY = "ci";
const DEFAULT_PROJECT = "secure-storage";

type Env = NodeJS.ProcessEnv;

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: Env, opts: SpawnSyncOptions = {}): Run {
  const r = spawnSync(cmd, args, { cwd: ROOT, env, encoding: "utf8", timeout: 600_000, ...opts });
  if (r.error) throw new Error(`${cmd} ${args[0]}: ${r.error.message}`);
  return { status: r.status ?? 1, stdout: String(r.stdout ?? ""), stderr: String(r.stderr ?? "") };
}

const firstLine = (s: string) =>
  s
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l.startsWith("error:")) ?? s.trim().split("\n")[0];

/**
 * The backend stack's own environment: the local file backend and this clone's passphrase, even
 * when the shell is logged in to the team bucket with the team's passphrase.
 */
function localEnv(): Env {
  loadEnvFile(path.join(LOCAL, "minio.env"));
  const env: Env = { ...process.env, PULUMI_BACKEND_URL: `file://${path.join(LOCAL, "state")}` };
  delete env.PULUMI_CONFIG_PASSPHRASE;
  env.PULUMI_CONFIG_PASSPHRASE_FILE = path.join(LOCAL, "passphrase");
  fs.mkdirSync(path.join(LOCAL, "state"), { recursive: true });
  return env;
}

function stackExists(stack: string, env: Env): boolean {
  const r = run("pulumi", ["stack", "ls", "--json", "--non-interactive"], env);
  if (r.status !== 0) throw new Error(`pulumi stack ls: ${firstLine(r.stderr)}`);
  return (JSON.parse(r.stdout) as { name: string }[]).some((s) => s.name === stack || s.name.endsWith(`/${stack}`));
}

/** `pulumi stack init` writes the salt to Pulumi.<stack>.yaml at the root; move it to a --config-file. */
function initStack(stack: string, configFile: string, env: Env): void {
  const rootFile = path.join(ROOT, `Pulumi.${stack}.yaml`);
  const hadRootFile = fs.existsSync(rootFile);
  const r = run("pulumi", ["stack", "init", stack, "--non-interactive"], env);
  if (r.status !== 0) throw new Error(`pulumi stack init ${stack}: ${firstLine(r.stderr)}`);
  if (hadRootFile || path.resolve(configFile) === rootFile) return;
  const salt = /^encryptionsalt: .*$/m.exec(fs.readFileSync(rootFile, "utf8"))?.[0];
  const text = fs.readFileSync(configFile, "utf8");
  if (salt && !/^encryptionsalt: /m.test(text)) fs.writeFileSync(configFile, `${text.replace(/\n?$/, "\n")}${salt}\n`);
  fs.rmSync(rootFile);
}

function stackContract(stack: string, env: Env, showSecrets: boolean): StorageContract {
  const args = ["stack", "output", "storage", "--json", "--stack", stack, "--non-interactive"];
  const r = run("pulumi", showSecrets ? [...args, "--show-secrets"] : args, env);
  if (r.status !== 0) throw new Error(`pulumi stack output --stack ${stack}: ${firstLine(r.stderr)}`);
  return JSON.parse(r.stdout) as StorageContract;
}

/** The backend stack defines exactly one bucket, the state bucket. */
function stateBucket(stack: string, storage: StorageContract): BucketContract & { logical: string } {
  const entries = Object.entries(storage.buckets ?? {});
  if (entries.length !== 1) throw new Error(`stack ${stack} must define exactly one bucket (the state bucket), it has ${entries.length}`);
  const [logical, bucket] = entries[0];
  return { ...bucket, logical };
}

type RoleKey = { roleArn: string };

/**
 * The DIY backend's URL (gocloud.dev s3blob, AWS SDK v2, as pulumi 3.260 ships it). A custom
 * endpoint needs path-style requests; `response_checksum_validation=when_required` silences the SDK's
 * per-read "no supported checksum" warning (MinIO returns none for objects written without one).
 */
function loginUrl(bucket: BucketContract, roleArn?: string): string {
  const q = new URLSearchParams();
  if (bucket.provider !== "aws") {
    q.set("endpoint", bucket.endpoint);
    q.set("use_path_style", "true");
  }
  q.set("region", bucket.region ?? "us-east-1");
  if (bucket.provider !== "aws") q.set("response_checksum_validation", "when_required");
  if (roleArn) q.set("role", roleArn);
  // Readable and what Go's url.Parse accepts: the endpoint's ':' and '/' need no escaping.
  return `s3://${bucket.bucket}?${q.toString().replace(/%3A/gi, ":").replace(/%2F/gi, "/")}`;
}

function describeSpec(configFile: string, logical: string): string {
  const cfg = (parse(fs.readFileSync(configFile, "utf8")) as { config?: Record<string, Record<string, unknown>> }).config ?? {};
  const spec = (cfg["storage:buckets"]?.[logical] ?? {}) as { lifecycle?: { noncurrentExpireDays?: number }[]; forceDestroy?: boolean };
  const days = spec.lifecycle?.find((r) => r.noncurrentExpireDays)?.noncurrentExpireDays;
  return [
    "versioned, encrypted, private",
    days ? `previous checkpoints kept ${days} days` : "previous checkpoints kept until deleted by hand",
    spec.forceDestroy ? "forceDestroy: true (not for a team bucket)" : "never force-destroyed",
  ].join("; ");
}

const quote = (v: string) => `'${v.replace(/'/g, "'\\''")}'`;

function bootstrap(stack: string, configFileArg: string | undefined): void {
  const configFile = path.resolve(ROOT, configFileArg ?? `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(configFile)) throw new UsageError(`no stack file ${path.relative(ROOT, configFile)} (the backend stack is Pulumi.backend.yaml)`);
  const env = localEnv();
  if (!stackExists(stack, env)) initStack(stack, configFile, env);
  const fileArgs = configFileArg ? ["--config-file", configFile] : [];
  const up = spawnSync("pulumi", ["up", "--yes", "--stack", stack, "--non-interactive", "--skip-preview", "--suppress-outputs", ...fileArgs], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "inherit", "inherit"],
    timeout: 600_000,
  });
  if (up.status !== 0) throw new Error(`pulumi up of the backend stack ${stack} failed (exit ${up.status ?? up.signal}); see above`);

  const storage = stackContract(stack, env, true) as StorageContract & { buckets: Record<string, BucketContract & { roles?: Record<string, RoleKey> }> };
  const bucket = stateBucket(stack, storage);
  const key = bucket.keys?.[CI_KEY];
  const role = (storage.buckets[bucket.logical] as { roles?: Record<string, RoleKey> }).roles?.[CI_KEY];
  if (!key && !role) throw new Error(`the state bucket of stack ${stack} has no key named "${CI_KEY}"`);
  const url = loginUrl(bucket, key ? undefined : role?.roleArn);

  const envFile = path.join(LOCAL, `backend-${stack}.env`);
  const values: [string, string][] = [["PULUMI_BACKEND_URL", url]];
  if (key) values.push(["AWS_ACCESS_KEY_ID", key.current.id], ["AWS_SECRET_ACCESS_KEY", key.current.secret]);
  fs.writeFileSync(envFile, values.map(([k, v]) => `${k}=${quote(v)}\n`).join(""), { mode: 0o600 });
  fs.chmodSync(envFile, 0o600);

  const names = [...values.map(([k]) => k), "PULUMI_CONFIG_PASSPHRASE"];
  console.log(`
state bucket: ${bucket.bucket} (${bucket.provider}, ${bucket.endpoint}): ${describeSpec(configFile, bucket.logical)}
log in:       pulumi login '${url}'
CI needs:     ${names.join(", ")}${key ? ` (the "${CI_KEY}" key: read/write/list/delete under .pulumi/ only)` : ` (role ${role!.roleArn})`}
values:       ${path.relative(ROOT, envFile)} (mode 0600; PULUMI_CONFIG_PASSPHRASE is the team's own secret)
this shell:   set -a; . ${path.relative(ROOT, envFile)}; set +a`);
}

/** Where the state bucket is: the URL the operator is logged in to, else the backend stack's output. */
interface StateLocation {
  bucket: string;
  endpoint?: string;
  region: string;
  caBundle?: string;
}

function stateLocation(backendStack: string): StateLocation {
  const current = process.env.PULUMI_BACKEND_URL ?? "";
  if (current.startsWith("s3://")) {
    const u = new URL(current);
    return { bucket: u.host, endpoint: u.searchParams.get("endpoint") ?? undefined, region: u.searchParams.get("region") ?? "us-east-1" };
  }
  const bucket = stateBucket(backendStack, stackContract(backendStack, localEnv(), false));
  return {
    bucket: bucket.bucket,
    endpoint: bucket.provider === "aws" ? undefined : bucket.endpoint,
    region: bucket.region ?? "us-east-1",
    caBundle: bucket.caBundle,
  };
}

/** Operator credentials: version reads and copies are denied to the ci key on purpose. */
async function operatorClient(sdk: S3Sdk, loc: StateLocation): Promise<S3Client> {
  loadEnvFile(path.join(LOCAL, "minio.env"));
  const { MINIO_ROOT_USER: id, MINIO_ROOT_PASSWORD: secret } = process.env;
  if (loc.endpoint && id && secret) {
    const { s3ClientFor } = await import("../components/minio/s3-client");
    return s3ClientFor({ endpoint: loc.endpoint, region: loc.region, caBundle: loc.caBundle }, { accessKeyId: id, secretAccessKey: secret });
  }
  // Operator's AWS identity from the SDK chain; never the ci key a CI env file may have put in the shell.
  return new sdk.S3Client({ region: loc.region, ...(loc.endpoint ? { endpoint: loc.endpoint, forcePathStyle: true } : {}) });
}

interface Version {
  id: string;
  time: Date;
  size: number;
  deleteMarker: boolean;
}

async function versionsOf(sdk: S3Sdk, s3: S3Client, bucket: string, key: string): Promise<Version[]> {
  const out: Version[] = [];
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  do {
    const r = await s3.send(new sdk.ListObjectVersionsCommand({ Bucket: bucket, Prefix: key, KeyMarker, VersionIdMarker }));
    for (const v of r.Versions ?? []) {
      if (v.Key === key) out.push({ id: v.VersionId!, time: v.LastModified!, size: v.Size ?? 0, deleteMarker: false });
    }
    for (const m of r.DeleteMarkers ?? []) {
      if (m.Key === key) out.push({ id: m.VersionId!, time: m.LastModified!, size: 0, deleteMarker: true });
    }
    KeyMarker = r.IsTruncated ? r.NextKeyMarker : undefined;
    VersionIdMarker = r.IsTruncated ? r.NextVersionIdMarker : undefined;
  } while (KeyMarker);
  return out.sort((a, b) => b.time.getTime() - a.time.getTime());
}

/** The DIY backend keeps `<stack>.json`, or `.json.gz`/`.json.zst` when compression is on. */
async function checkpointKey(sdk: S3Sdk, s3: S3Client, bucket: string, project: string, stack: string): Promise<string> {
  const base = `.pulumi/stacks/${project}/${stack}.json`;
  const r = await s3.send(new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: base }));
  const found = (r.Contents ?? []).filter((o) => [base, `${base}.gz`, `${base}.zst`].includes(o.Key!));
  if (!found.length) throw new Error(`no checkpoint ${base} in bucket ${bucket} (project ${project}; another one: --project)`);
  found.sort((a, b) => b.LastModified!.getTime() - a.LastModified!.getTime());
  return found[0].Key!;
}

/** Node >= 22.15 reads zstd; @types/node 20 does not know it yet. */
function zstd(body: Buffer): Buffer {
  const z = zlib as unknown as { zstdDecompressSync?: (b: Buffer) => Buffer };
  if (!z.zstdDecompressSync) throw new Error("this Node.js cannot read zstd");
  return z.zstdDecompressSync(body);
}

function isCheckpoint(key: string, body: Buffer): boolean {
  try {
    const raw = key.endsWith(".gz") ? zlib.gunzipSync(body) : key.endsWith(".zst") ? zstd(body) : body;
    const doc = JSON.parse(raw.toString("utf8")) as { version?: unknown; checkpoint?: unknown };
    return typeof doc.version === "number" && typeof doc.checkpoint === "object" && doc.checkpoint !== null;
  } catch {
    return false;
  }
}

async function locksOf(sdk: S3Sdk, s3: S3Client, bucket: string, project: string, stack: string): Promise<number> {
  const r = await s3.send(new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: `.pulumi/locks/organization/${project}/${stack}/` }));
  return r.KeyCount ?? 0;
}

const show = (v: Version) => `${v.id} (${v.deleteMarker ? "delete marker, " : ""}written ${v.time.toISOString()}${v.deleteMarker ? "" : `, ${v.size} bytes`})`;

async function restore(stack: string, project: string, backendStack: string, versionId: string | undefined, list: boolean): Promise<void> {
  const loc = stateLocation(backendStack);
  const sdk = await import("@aws-sdk/client-s3");
  const s3 = await operatorClient(sdk, loc);
  const key = await checkpointKey(sdk, s3, loc.bucket, project, stack);
  const versions = await versionsOf(sdk, s3, loc.bucket, key);
  if (list) {
    console.log(`${key} in ${loc.bucket}, newest first:`);
    for (const v of versions) console.log(`  ${show(v)}`);
    return;
  }
  const locks = await locksOf(sdk, s3, loc.bucket, project, stack);
  if (locks) throw new Error(`stack ${stack} is locked by ${locks} update(s) in progress; wait for them, or \`pulumi cancel\` a dead one first`);
  const current = versions[0];
  const target = versionId ? versions.find((v) => v.id === versionId) : versions.slice(1).find((v) => !v.deleteMarker);
  if (!target || target.deleteMarker) {
    throw new Error(versionId ? `${key} has no version ${versionId} (see --list)` : `${key} has no previous version to restore`);
  }
  const body = await s3.send(new sdk.GetObjectCommand({ Bucket: loc.bucket, Key: key, VersionId: target.id }));
  if (!isCheckpoint(key, Buffer.from(await body.Body!.transformToByteArray()))) {
    throw new Error(`version ${target.id} of ${key} is not a readable checkpoint either; pick one with --version-id (see --list)`);
  }
  const source = `${loc.bucket}/${key.split("/").map(encodeURIComponent).join("/")}?versionId=${encodeURIComponent(target.id)}`;
  const copied = await s3.send(new sdk.CopyObjectCommand({ Bucket: loc.bucket, Key: key, CopySource: source }));
  console.log(`restored ${key} in bucket ${loc.bucket}
  copied:  ${show(target)}
  over:    ${show(current)}
  current: ${copied.VersionId ?? "(unversioned bucket!)"}; every earlier version stays in the history`);
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      stack: { type: "string", default: "backend" },
      "config-file": { type: "string" },
      project: { type: "string", default: DEFAULT_PROJECT },
      "backend-stack": { type: "string", default: "backend" },
      "version-id": { type: "string" },
      list: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || command === "help") return void console.log(USAGE);
  if (command === "bootstrap") {
    if (rest.length) throw new UsageError(`bootstrap takes no arguments, got "${rest.join(" ")}"`);
    return bootstrap(values.stack!, values["config-file"]);
  }
  if (command === "restore") {
    if (rest.length !== 1) throw new UsageError("restore needs exactly one stack name");
    return restore(rest[0], values.project!, values["backend-stack"]!, values["version-id"], values.list!);
  }
  throw new UsageError(command ? `unknown command "${command}"` : "a command is required");
}

main(process.argv.slice(2)).catch((e: Error) => {
  const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
  console.error(`backend: ${e.message.split("\n")[0]}${usage ? " (npm run backend -- --help)" : ""}`);
  process.exit(usage ? 2 : 1);
});
