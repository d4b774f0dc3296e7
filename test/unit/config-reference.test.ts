import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { README, renderConfigReference, withReference } from "../../scripts/config-reference";

/**
 * The generated config reference as rows: `section` is the table's heading without backticks and
 * its parenthesis (`storage:aws`, `storage:buckets.<name>.options for gcp`), `cells` the row's
 * cells split on unescaped pipes.
 */
function referenceRows(ref: string): { section: string; field: string; cells: string[] }[] {
  const rows: { section: string; field: string; cells: string[] }[] = [];
  let section = "";
  for (const line of ref.split("\n")) {
    if (line.startsWith("#### ")) section = line.slice(5).replace(/`/g, "").replace(/ \(.*\)$/, "");
    else if (line.startsWith("| `")) {
      const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
      rows.push({ section, field: cells[0].replace(/`/g, ""), cells });
    }
  }
  return rows;
}

describe("README generated sections", () => {
  it("is exactly what the zod schemas generate (run npm run docs after changing a schema)", () => {
    const readme = fs.readFileSync(README, "utf8");
    expect(withReference(readme)).toBe(readme);
  });

  it("lists every spec field, including the ones with defaults", () => {
    const ref = renderConfigReference();
    for (const field of ["provider", "keys.<name>.retirePrevious", "uploads[].maxBytes", "presign.uploadSeconds", "cors[].origins"]) {
      expect(ref).toContain(`| \`${field}\` |`);
    }
    expect(ref).toContain("#### `storage:minio`");
  });

  it("describes every field (a .describe() on each schema field)", () => {
    const rows = referenceRows(renderConfigReference());
    // The parse must see the whole reference, or an empty-cell check would pass vacuously.
    expect(rows.length).toBeGreaterThan(90);
    expect(rows.filter((r) => r.cells.length !== 4).map((r) => `${r.section}: ${r.field}`)).toEqual([]);
    const sections = ["buckets.<name>", "aws", "azure", "gcp", "minio", "b2"].map((s) => `storage:${s}`);
    for (const section of sections) expect(rows.some((r) => r.section === section), section).toBe(true);
    const undescribed = rows.filter((r) => r.cells[3] === "").map((r) => `${r.section}: ${r.field}`);
    expect(undescribed, `rows without a description: ${undescribed.join(", ")}`).toEqual([]);
  });
});

describe("README policy table", () => {
  it("has one row per policy with its prod and dev level", async () => {
    const { renderPolicyTable } = await import("../../scripts/config-reference");
    const { catalog } = await import("../../policies/all");
    const table = renderPolicyTable();
    expect(table.split("\n").filter((l) => l.startsWith("| `")).length).toBe(catalog.length);
    expect(table).toMatch(/\| `aws-s3-public-access-block` \| [^|]+ \| aws \| aws:s3\/BucketPublicAccessBlock \| mandatory \| mandatory \|/);
    expect(table).toMatch(/\| `aws-s3-versioning` \| [^|]+ \| aws \| aws:s3\/\{Bucket, BucketV2, BucketVersioning, BucketVersioningV2\} \| mandatory \| advisory \|/);
  });

  it("names the resource types every policy reads, stack policies included", async () => {
    const { renderPolicyTable, shortTypes } = await import("../../scripts/config-reference");
    const { catalog } = await import("../../policies/all");
    for (const p of catalog) expect(p.types.length, p.name).toBeGreaterThan(0);
    expect(shortTypes(["minio:index/s3Bucket:S3Bucket", "pulumi-nodejs:dynamic/minio:Bucket"])).toBe("minio:S3Bucket; dynamic:minio/Bucket");
    expect(renderPolicyTable()).toMatch(/\| `storage-stack-access-logging` \| [^|]+ \| aws \| aws:s3\/\{Bucket, BucketV2, BucketLogging, BucketLoggingV2\} \|/);
  });
});
