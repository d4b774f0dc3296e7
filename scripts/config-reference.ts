/**
 * npm run docs: regenerate the README's config reference from the zod schemas (spec.ts and each
 * adapter's settings/options) and its policy table from the policy catalog and the shipped level
 * files, so the documentation cannot drift from what is validated and enforced.
 * `--check` fails instead of writing when the README is stale (the unit test does the same).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { ADAPTERS } from "../components/registry";
import { Bucket, PROVIDERS } from "../components/spec";
import { catalog } from "../policies/all";
import { configFile, readLevelConfig } from "../policies/levels";

type Schema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  propertyNames?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minItems?: number;
  minLength?: number;
  pattern?: string;
};

interface Row {
  field: string;
  type: string;
  default: string;
  description: string;
}

function typeOf(s: Schema): string {
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((e) => JSON.stringify(e)).join(" \\| ");
  const alts = s.oneOf ?? s.anyOf;
  if (alts) return alts.map(typeOf).join(" \\| ");
  if (s.type === "array") {
    const item = s.items ? typeOf(s.items) : "any";
    return item.includes("|") ? `(${item})[]` : `${item}[]`;
  }
  const kind = s.properties?.kind?.const;
  if (kind !== undefined) return `{kind: ${JSON.stringify(kind)}${Object.keys(s.properties!).length > 1 ? ", ..." : ""}}`;
  if (s.type === "object" && s.additionalProperties && typeof s.additionalProperties === "object" && !s.properties) return "map";
  const t = Array.isArray(s.type) ? s.type.join("|") : (s.type ?? "any");
  // z.int() alone reports the safe-integer limits as bounds: no bound a reader could hit.
  const max = s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? s.maximum : undefined;
  const min = s.minimum !== undefined && s.minimum > Number.MIN_SAFE_INTEGER ? s.minimum : undefined;
  const range = min !== undefined || max !== undefined ? ` (${min ?? ""}..${max ?? ""})` : "";
  return `${t}${range}`;
}

function walk(s: Schema, at: string, rows: Row[], requiredHere: boolean, self = true) {
  const def = s.default !== undefined ? `\`${JSON.stringify(s.default)}\`` : requiredHere ? "**required**" : "";
  if (at && self) rows.push({ field: `\`${at}\``, type: typeOf(s), default: def, description: s.description ?? "" });
  const obj = s.type === "array" ? s.items : s;
  if (!obj) return;
  const suffix = s.type === "array" ? "[]" : "";
  if (obj.properties) {
    for (const [k, v] of Object.entries(obj.properties)) walk(v, `${at}${suffix}${at ? "." : ""}${k}`, rows, obj.required?.includes(k) ?? false);
  } else if (obj.additionalProperties && typeof obj.additionalProperties === "object" && obj.additionalProperties.properties) {
    // The map entry itself is described by its parent row; list only its fields.
    walk(obj.additionalProperties, `${at}${suffix}.<name>`, rows, false, false);
  }
  for (const alt of obj.oneOf ?? []) {
    for (const [k, v] of Object.entries(alt.properties ?? {})) {
      if (k !== "kind" && !rows.some((r) => r.field === `\`${at}.${k}\``)) walk(v, `${at}.${k}`, rows, false);
    }
  }
}

function table(schema: z.ZodType, root: string): string {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Schema;
  const rows: Row[] = [];
  walk(json, "", rows, true);
  if (!rows.length) return "_(no fields)_\n";
  const esc = (t: string) => t.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const lines = rows.map((r) => `| ${r.field.replace("`", `\`${root}`)} | ${esc(r.type).replace(/\\\\\|/g, "\\|")} | ${r.default} | ${esc(r.description)} |`);
  return ["| field | type | default | description |", "|---|---|---|---|", ...lines].join("\n") + "\n";
}

export function renderConfigReference(): string {
  const out: string[] = [
    "Generated from the zod schemas by `npm run docs`; a unit test fails when this section is stale.\n",
    "#### `storage:buckets.<name>` (every provider)\n",
    table(Bucket, ""),
  ];
  for (const p of PROVIDERS) {
    const a = ADAPTERS[p];
    if (!a) continue;
    out.push(`#### \`storage:${p}\` (stack settings, required when a bucket uses ${p})\n`, table(a.settings, ""));
    out.push(`#### \`storage:buckets.<name>.options\` for ${p}\n`, table(a.bucketOptions, "options."));
  }
  return out.join("\n");
}

/**
 * A type token's short form for the table, grouped by module: `aws:s3/bucketV2:BucketV2` ->
 * `aws:s3/BucketV2`, `minio:index/s3Bucket:S3Bucket` -> `minio:S3Bucket`, our plugin's resources
 * `secure-storage:minio/Bucket`, dynamic ones `dynamic:minio/Bucket` (left out next to the plugin type
 * they migrate to). Full tokens are in docs/policies.md.
 */
export function shortTypes(types: readonly string[]): string {
  const groups = new Map<string, string[]>();
  const migrated = (t: string) => t.startsWith("pulumi-nodejs:dynamic/") && types.includes(t.replace(/^pulumi-nodejs:dynamic\//, "secure-storage:"));
  for (const t of types.filter((x) => !migrated(x))) {
    const [pkg, mod, name] = t.split(":");
    const [first, second] = mod.split("/");
    const prefix = pkg === "pulumi-nodejs" ? `dynamic:${second}/` : first === "index" ? `${pkg}:` : `${pkg}:${first}/`;
    groups.set(prefix, [...(groups.get(prefix) ?? []), name]);
  }
  return [...groups].map(([prefix, names]) => (names.length > 1 ? `${prefix}{${names.join(", ")}}` : `${prefix}${names[0]}`)).join("; ");
}

/** One row per policy: the controls it enforces, where, the types it reads, and its level in prod and dev. */
export function renderPolicyTable(): string {
  const prod = readLevelConfig(catalog, configFile("prod"));
  const dev = readLevelConfig(catalog, configFile("dev"));
  const rows = catalog.map(
    (p) =>
      `| \`${p.name}\` | ${p.controls.join(", ")} | ${p.providers.join(", ")} | ${shortTypes(p.types)} | ` +
      `${prod[p.name] ?? "mandatory"} | ${dev[p.name] ?? "mandatory"} |`,
  );
  const head = ["| policy | controls | providers | reads (resource types) | prod | dev |", "|---|---|---|---|---|---|"];
  return ["Generated from `policies/all.ts` and `policies/config.{prod,dev}.json` by `npm run docs`.\n", ...head, ...rows].join("\n") + "\n";
}

export const README = path.join(__dirname, "..", "README.md");

function replaceSection(readme: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = readme.indexOf(start);
  const j = readme.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README.md has no ${start} ... ${end} section`);
  return `${readme.slice(0, i + start.length)}\n${body}\n${readme.slice(j)}`;
}

/** The README with its generated sections (config reference, policy table) replaced. */
export function withReference(readme: string): string {
  return replaceSection(replaceSection(readme, "config-reference", renderConfigReference()), "policy-table", renderPolicyTable());
}

if (require.main === module) {
  if (process.argv.includes("--help")) {
    console.log("Usage: npm run docs [-- --check]\n  Regenerates the README's config reference and policy table; --check fails if they are stale.");
    process.exit(0);
  }
  const current = fs.readFileSync(README, "utf8");
  const next = withReference(current);
  if (process.argv.includes("--check")) {
    if (next !== current) {
      console.error("README.md generated sections are stale: run npm run docs");
      process.exit(1);
    }
    console.log("README.md generated sections are up to date");
  } else {
    fs.writeFileSync(README, next);
    console.log(next === current ? "README.md: generated sections unchanged" : "README.md: generated sections regenerated");
  }
}
