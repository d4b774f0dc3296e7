/**
 * Enforcement levels come from CrossGuard policy config files passed to the CLI
 * (`--policy-pack-config policies/config.<stack>.json`; `npm run preview -- --policy-pack` picks the stack's file,
 * falling back to config.prod.json). Every policy is mandatory by default, so a run without any
 * config is as strict as prod; the few advisory by design (they flag what a provider cannot
 * express, `advisory` in policy.ts) are advisory everywhere. Dev may lower a documented few to
 * advisory; public access and encryption policies stay mandatory everywhere, and a config that
 * lowers them is refused.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { LOCKED_GUARDS, type StoragePolicy } from "./policy";

export type Level = "advisory" | "mandatory" | "remediate" | "disabled";
const LEVELS: Level[] = ["advisory", "mandatory", "remediate", "disabled"];

const inCode = (p: StoragePolicy): Level => (p.advisory ? "advisory" : "mandatory");

/** Policies advisory in code and in every shipped config, with why (policy.ts `advisory`). */
export function advisoryByDesign(catalog: StoragePolicy[]): Record<string, string> {
  return Object.fromEntries(catalog.filter((p) => p.advisory).map((p) => [p.name, p.advisory!]));
}

/** Why dev may differ, per policy lowered in config.dev.json (the docs table repeats these). */
export const DEV_EXCEPTIONS: Record<string, string> = {
  "storage-no-force-destroy": "dev buckets are throwaway: `npm run destroy` must be able to empty them",
  "minio-bucket-versioning": "a local MinIO may run without versioning to keep the data directory small",
  "minio-stack-versioning-companions": "a local MinIO may run without versioning to keep the data directory small",
  "aws-s3-versioning": "dev copies of cloud buckets are throwaway",
  "gcp-storage-versioning": "dev copies of cloud buckets are throwaway",
  "azure-blob-soft-delete": "dev copies of cloud buckets are throwaway",
  "aws-s3-lifecycle-abort-multipart": "dev copies of cloud buckets are short-lived",
  "gcp-storage-lifecycle-abort-multipart": "dev copies of cloud buckets are short-lived",
  "b2-bucket-lifecycle-abort-large-files": "dev copies of cloud buckets are short-lived",
  "storage-stack-lifecycle-companions": "dev copies of cloud buckets are short-lived",
  "storage-stack-access-logging": "no audit trail is kept for dev data",
};

const CONFIG_DIR = __dirname;
export const configFile = (profile: string) => path.join(CONFIG_DIR, `config.${profile}.json`);

/** Levels a config file sets, per policy name (`all` expanded). Throws naming the file on any problem. */
export function parseLevelConfig(catalog: StoragePolicy[], raw: unknown, file: string): Record<string, Level> {
  const where = path.basename(file);
  const problems: string[] = [];
  const levels: Record<string, Level> = Object.fromEntries(catalog.map((p) => [p.name, inCode(p)]));
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new Error(`${where}: must be a JSON object of policy name -> level`);
  const entries = Object.entries(raw as Record<string, unknown>);
  // "all" first, then per-policy entries override it (the CLI applies them in this order).
  entries.sort(([a], [b]) => Number(b === "all") - Number(a === "all"));
  for (const [name, value] of entries) {
    const level = typeof value === "string" ? value : value && typeof value === "object" ? (value as { enforcementLevel?: unknown }).enforcementLevel : undefined;
    if (typeof level !== "string" || !LEVELS.includes(level as Level)) {
      problems.push(`${where}: "${name}": enforcement level must be one of ${LEVELS.join(", ")}`);
      continue;
    }
    const targets = name === "all" ? catalog : catalog.filter((p) => p.name === name);
    if (!targets.length) problems.push(`${where}: "${name}": no such policy in this pack`);
    for (const p of targets) {
      if (LOCKED_GUARDS.includes(p.guard) && level !== "mandatory") {
        if (name !== "all") problems.push(`${where}: "${name}": guards ${p.guard}, which is mandatory in every stack; "${level}" is not allowed`);
        else problems.push(`${where}: "all": would lower "${p.name}" (${p.guard}) to "${level}"; ${p.guard} is mandatory in every stack`);
        continue;
      }
      levels[p.name] = level as Level;
    }
  }
  if (problems.length) throw new Error(problems.join("\n"));
  return levels;
}

export function readLevelConfig(catalog: StoragePolicy[], file: string): Record<string, Level> {
  return parseLevelConfig(catalog, JSON.parse(fs.readFileSync(file, "utf8")) as unknown, file);
}

/**
 * Per-policy config properties a config file sets (everything next to `enforcementLevel`), as the
 * engine hands them to the policy's `getConfig()`.
 */
export function readPolicyConfig(file: string): Record<string, Record<string, unknown>> {
  const raw = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, v] of Object.entries(raw)) {
    if (!v || typeof v !== "object" || Array.isArray(v)) continue;
    const { enforcementLevel: _level, ...props } = v as Record<string, unknown>;
    if (Object.keys(props).length) out[name] = props;
  }
  return out;
}

/** The config files shipped with the pack (config.<profile>.json). */
export function shippedProfiles(): string[] {
  return fs
    .readdirSync(CONFIG_DIR)
    .map((f) => /^config\.(.+)\.json$/.exec(f)?.[1])
    .filter((p): p is string => Boolean(p))
    .sort();
}
