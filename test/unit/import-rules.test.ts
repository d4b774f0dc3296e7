/**
 * Issue 20: the checker (checks/) and the application helper (client/) are written from the
 * contract alone, so a wrong adapter mapping cannot make `verify` agree with it. The rule:
 * from components/ they may import only contract.ts and spec.ts (the output's shape and the
 * spec's limits); never components/<provider>/, components/access.ts (it maps grants to S3
 * actions) or any other adapter file; never the program (stacks/) or scripts/ (which loads it).
 * lib/ is their shared neutral module and is held to the same rule, so nothing slips through it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..", "..");
const SCANNED = ["checks", "client", "lib"];
const ALLOWED_COMPONENTS = new Set(["components/contract.ts", "components/spec.ts"]);

function tsFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(rel);
    return /\.(ts|mts|cts)$/.test(e.name) ? [rel] : [];
  });
}

/** Every module specifier: static and type imports, re-exports, require() and import(). */
export function specifiers(source: string): string[] {
  const patterns = [/\bfrom\s+["']([^"']+)["']/g, /\bimport\s+["']([^"']+)["']/g, /\b(?:require|import)\s*\(\s*["']([^"']+)["']/g];
  return patterns.flatMap((re) => [...source.matchAll(re)].map((m) => m[1]));
}

/** Why `spec` imported from `file` breaks the rule, or undefined if it is allowed. */
export function violation(file: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), spec)).split(path.sep).join("/");
  const top = target.split("/")[0];
  if (top === "stacks") return "imports the program (stacks/)";
  if (top === "scripts") return "imports scripts/ (which opens and runs the program)";
  if (top !== "components") return undefined;
  const withExt = target.endsWith(".ts") ? target : `${target}.ts`;
  if (ALLOWED_COMPONENTS.has(withExt)) return undefined;
  if (target.split("/").length > 2) return `imports a provider adapter (${target})`;
  return `imports ${target} (only components/contract.ts and components/spec.ts are allowed)`;
}

describe("import rules for checks/, client/ and lib/", () => {
  it("knows a violation when it sees one", () => {
    expect(violation("checks/x.ts", "../components/azure/grants")).toMatch(/provider adapter/);
    expect(violation("client/x.ts", "../components/minio/s3-client")).toMatch(/provider adapter/);
    expect(violation("checks/x.ts", "../components/access")).toMatch(/only components\/contract.ts/);
    expect(violation("checks/x.ts", "../stacks/index")).toMatch(/program/);
    expect(violation("checks/x.ts", "../scripts/lib/workspace")).toMatch(/scripts/);
    expect(violation("checks/x.ts", "../components/contract")).toBeUndefined();
    expect(violation("lib/x.ts", "../components/spec")).toBeUndefined();
    expect(violation("checks/x.ts", "@aws-sdk/client-s3")).toBeUndefined();
    expect(specifiers(`import type { A } from "../components/gcp/x";\nexport * from '../stacks/y';\nconst z = await import("../components/b2/z");`))
      .toEqual(["../components/gcp/x", "../stacks/y", "../components/b2/z"]);
  });

  it("no file imports a provider adapter, another components/ file, the program or scripts/", () => {
    const files = SCANNED.flatMap(tsFiles);
    expect(files.length).toBeGreaterThan(10);
    const found = files.flatMap((file) =>
      specifiers(fs.readFileSync(path.join(ROOT, file), "utf8")).flatMap((spec) => {
        const why = violation(file, spec);
        return why ? [`${file}: "${spec}" ${why}`] : [];
      }),
    );
    expect(found).toEqual([]);
  });
});
