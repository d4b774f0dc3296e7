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
import { retains } from "../components/spec";
import { upgradeStorageContract } from "../lib/contract-upgrade";
import { LOCAL, loadEnvFile, ROOT } from "./lib/paths";
import { fileBackendUrl } from "./lib/stack-leftovers";

// scripts/lib/paths, not workspace: that loads the Automation API, seconds of start-up for a script
// that only runs the CLI. The S3 SDK is loaded by `restore` alone, for the same reason.
type S3Sdk = typeof import("@aws-sdk/client-s3");

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
  const env: Env = { ...process.env, PULUMI_BACKEND_URL: fileBackendUrl(path.join(LOCAL, "state")) };
  delete env.PULUMI_CONFIG_PASSPHRASE;
  env.PULUMI_CONFIG_PASSPHRASE_FILE = path.join(LOCAL, "passphrase");
  fs.mkdirSync(path.join(LOCAL, "state"), { recursive: true });
  return env;
}

/** One stack's record only: `pulumi stack ls` reads every stack's checkpoint, and others may be mid-write. */
function stackExists(stack: string, env: Env): boolean {
  const r = run("pulumi", ["stack", "export", "--stack", stack, "--non-interactive"], env);
  if (r.status === 0) return true;
  if (/no stack named/.test(r.stderr)) return false;
  throw new Error(`pulumi stack export --stack ${stack}: ${firstLine(r.stderr)}`);
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
  const storage = upgradeStorageContract(JSON.parse(r.stdout));
  if (!storage) throw new Error(`stack ${stack} has no "storage" output`);
  return storage;
}

/** The backend stack defines exactly one bucket, the state bucket. */
function stateBucket(stack: string, storage: StorageContract): BucketContract & { logical: string } {
  const entries = Object.entries(storage.buckets ?? {});
  if (entries.length !== 1) throw new Error(`stack ${stack} must define one bucket, the state bucket, not ${entries.length}`);
  const [logical, bucket] = entries[0];
  return { ...bucket, logical };
}

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

interface StateSpec {
  versioning?: boolean;
  encryption?: { kind?: string };
  lifecycle?: { noncurrentExpireDays?: number }[];
  forceDestroy?: boolean;
  retain?: boolean;
}

/** What the stack file asks of the bucket, in the words a reviewer checks (defaults as in components/spec.ts). */
function describeSpec(configFile: string, logical: string): string {
  type StackFile = { config?: Record<string, Record<string, unknown>> };
  const cfg = (parse(fs.readFileSync(configFile, "utf8")) as StackFile).config ?? {};
  const spec = (cfg["storage:buckets"]?.[logical] ?? {}) as StateSpec;
  const days = spec.lifecycle?.find((r) => r.noncurrentExpireDays)?.noncurrentExpireDays;
  return [
    spec.versioning === false ? "NOT versioned (no checkpoint history)" : "versioned",
    `encrypted (${spec.encryption?.kind ?? "managed"} keys)`,
    "private",
    days ? `previous checkpoints kept ${days} days` : "previous checkpoints kept until deleted by hand",
    spec.forceDestroy ? "forceDestroy: true (not for a team bucket)" : "never force-destroyed",
    retains({ retain: spec.retain, forceDestroy: spec.forceDestroy ?? false })
      ? "retained (pulumi destroy refuses)"
      : "NOT retained (not for a team bucket)",
  ].join("; ");
}

const quote = (v: string) => `'${v.replace(/'/g, "'\\''")}'`;

function bootstrap(stack: string, configFileArg: string | undefined): void {
  const configFile = path.resolve(ROOT, configFileArg ?? `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(configFile)) {
    throw new UsageError(`no stack file ${path.relative(ROOT, configFile)} (the backend stack is Pulumi.backend.yaml)`);
  }
  const env = localEnv();
  if (!stackExists(stack, env)) initStack(stack, configFile, env);
  const fileArgs = configFileArg ? ["--config-file", configFile] : [];
  // --skip-preview: with --yes a preview only repeats the refresh and the program run.
  const args = ["up", "--yes", "--stack", stack, "--non-interactive", "--skip-preview", "--suppress-outputs", ...fileArgs];
  const up = spawnSync("pulumi", args, { cwd: ROOT, env, stdio: ["ignore", "inherit", "inherit"], timeout: 600_000 });
  if (up.status !== 0) throw new Error(`pulumi up of stack ${stack} failed (exit ${up.status ?? up.signal}); see above`);

  const bucket = stateBucket(stack, stackContract(stack, env, true));
  const ci = bucket.keys[CI_KEY];
  if (!ci || ci.kind === "identity") throw new Error(`the state bucket of stack ${stack} has no S3 key named "${CI_KEY}"`);
  const key = ci.kind === "static" ? ci : undefined;
  const url = loginUrl(bucket, ci.kind === "role" ? ci.roleArn : undefined);

  const envFile = path.join(LOCAL, `backend-${stack}.env`);
  const values: [string, string][] = [["PULUMI_BACKEND_URL", url]];
  if (key) values.push(["AWS_ACCESS_KEY_ID", key.current.id], ["AWS_SECRET_ACCESS_KEY", key.current.secret]);
  // Written 0600 from the first byte (a temp file renamed over), also when an older file was looser.
  const tmp = `${envFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, values.map(([k, v]) => `${k}=${quote(v)}\n`).join(""), { mode: 0o600 });
  fs.renameSync(tmp, envFile);

  const names = [...values.map(([k]) => k), "PULUMI_CONFIG_PASSPHRASE"];
  const scope = (p: string[]) => (p.length ? `under ${p.join(", ")} only` : "on the whole bucket");
  const grant = ci.kind === "role" ? `role ${ci.roleArn}` : `the "${CI_KEY}" key: ${ci.access.join("/")} ${scope(ci.prefixes)}`;
  console.log(`
state bucket: ${bucket.bucket} (${bucket.provider}, ${bucket.endpoint}): ${describeSpec(configFile, bucket.logical)}
log in:       pulumi login '${url}'
CI needs:     ${names.join(", ")} (${grant})
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
    const endpoint = u.searchParams.get("endpoint") ?? undefined;
    // A private CA is in the backend stack's contract; the login URL has no place for it.
    const caBundle = endpoint?.startsWith("https:") ? backendCaBundle(backendStack) : undefined;
    return { bucket: u.host, endpoint, region: u.searchParams.get("region") ?? "us-east-1", ...(caBundle ? { caBundle } : {}) };
  }
  const bucket = stateBucket(backendStack, stackContract(backendStack, localEnv(), false));
  return {
    bucket: bucket.bucket,
    endpoint: bucket.provider === "aws" ? undefined : bucket.endpoint,
    region: bucket.region ?? "us-east-1",
    caBundle: bucket.caBundle,
  };
}

function backendCaBundle(backendStack: string): string | undefined {
  try {
    return stateBucket(backendStack, stackContract(backendStack, localEnv(), false)).caBundle;
  } catch {
    return undefined; // no backend stack here: the system CAs apply
  }
}

/** The state bucket with the operator's credentials: version reads and copies are denied to the ci key on purpose. */
interface Bucket {
  sdk: S3Sdk;
  s3: S3Client;
  name: string;
}

async function operatorBucket(loc: StateLocation): Promise<Bucket> {
  const sdk = await import("@aws-sdk/client-s3");
  // The local MinIO's root credentials are for the local MinIO only, never sent to another host.
  const loopback = !!loc.endpoint && /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(loc.endpoint);
  if (loopback) loadEnvFile(path.join(LOCAL, "minio.env"));
  const { MINIO_ROOT_USER: accessKeyId, MINIO_ROOT_PASSWORD: secretAccessKey } = process.env;
  if (loc.endpoint && accessKeyId && secretAccessKey) {
    const { s3ClientFor } = await import("../components/minio/s3-client");
    const conn = { endpoint: loc.endpoint, region: loc.region, caBundle: loc.caBundle };
    return { sdk, s3: s3ClientFor(conn, { accessKeyId, secretAccessKey }), name: loc.bucket };
  }
  // The operator's AWS identity from the SDK chain (profile, SSO, role).
  const endpoint = loc.endpoint ? { endpoint: loc.endpoint, forcePathStyle: true } : {};
  return { sdk, s3: new sdk.S3Client({ region: loc.region, ...endpoint }), name: loc.bucket };
}

interface Version {
  id: string;
  time: Date;
  size: number;
  deleteMarker: boolean;
}

/** Every version and delete marker of one key, newest first. */
async function versionsOf({ sdk, s3, name }: Bucket, key: string): Promise<Version[]> {
  const out: Version[] = [];
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  do {
    const r = await s3.send(new sdk.ListObjectVersionsCommand({ Bucket: name, Prefix: key, KeyMarker, VersionIdMarker }));
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
async function checkpointKey({ sdk, s3, name }: Bucket, project: string, stack: string): Promise<string> {
  const base = `.pulumi/stacks/${project}/${stack}.json`;
  const r = await s3.send(new sdk.ListObjectsV2Command({ Bucket: name, Prefix: base }));
  const found = (r.Contents ?? []).filter((o) => [base, `${base}.gz`, `${base}.zst`].includes(o.Key!));
  if (!found.length) throw new Error(`no checkpoint ${base} in bucket ${name} (another project: --project)`);
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

async function locksOf({ sdk, s3, name }: Bucket, project: string, stack: string): Promise<number> {
  const prefix = `.pulumi/locks/organization/${project}/${stack}/`;
  return (await s3.send(new sdk.ListObjectsV2Command({ Bucket: name, Prefix: prefix }))).KeyCount ?? 0;
}

function show(v: Version): string {
  const what = v.deleteMarker ? "delete marker, " : "";
  return `${v.id} (${what}written ${v.time.toISOString()}${v.deleteMarker ? "" : `, ${v.size} bytes`})`;
}

interface RestoreOptions {
  project: string;
  backendStack: string;
  versionId?: string;
  list: boolean;
}

async function restore(stack: string, { project, backendStack, versionId, list }: RestoreOptions): Promise<void> {
  const bucket = await operatorBucket(stateLocation(backendStack));
  const { sdk, s3, name } = bucket;
  const key = await checkpointKey(bucket, project, stack);
  const versions = await versionsOf(bucket, key);
  if (list) {
    console.log(`${key} in ${name}, newest first:`);
    for (const v of versions) console.log(`  ${show(v)}`);
    return;
  }
  const locks = await locksOf(bucket, project, stack);
  if (locks) throw new Error(`stack ${stack} is locked by ${locks} update(s); wait, or \`pulumi cancel\` a dead one first`);
  const current = versions[0];
  const target = versionId ? versions.find((v) => v.id === versionId) : versions.slice(1).find((v) => !v.deleteMarker);
  if (!target || target.deleteMarker) {
    throw new Error(versionId ? `${key} has no version ${versionId} (see --list)` : `${key} has no previous version`);
  }
  const body = await s3.send(new sdk.GetObjectCommand({ Bucket: name, Key: key, VersionId: target.id }));
  if (!isCheckpoint(key, Buffer.from(await body.Body!.transformToByteArray()))) {
    throw new Error(`version ${target.id} of ${key} is no readable checkpoint either; pick one: --list, --version-id`);
  }
  const source = `${name}/${key.split("/").map(encodeURIComponent).join("/")}?versionId=${encodeURIComponent(target.id)}`;
  const copied = await s3.send(new sdk.CopyObjectCommand({ Bucket: name, Key: key, CopySource: source }));
  console.log(`restored ${key} in bucket ${name}
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
    const options = { project: values.project!, backendStack: values["backend-stack"]!, versionId: values["version-id"] };
    return restore(rest[0], { ...options, list: values.list! });
  }
  throw new UsageError(command ? `unknown command "${command}"` : "a command is required");
}

main(process.argv.slice(2)).catch((e: Error) => {
  const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
  console.error(`backend: ${e.message.split("\n")[0]}${usage ? " (npm run backend -- --help)" : ""}`);
  process.exit(usage ? 2 : 1);
});
