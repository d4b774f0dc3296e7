import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { README, renderConfigReference, withReference } from "../../scripts/config-reference";

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
});

describe("README policy table", () => {
  it("has one row per policy with its prod and dev level", async () => {
    const { renderPolicyTable } = await import("../../scripts/config-reference");
    const { catalog } = await import("../../policies/all");
    const table = renderPolicyTable();
    expect(table.split("\n").filter((l) => l.startsWith("| `")).length).toBe(catalog.length);
    expect(table).toMatch(/\| `aws-s3-public-access-block` \| [^|]+ \| aws \| mandatory \| mandatory \|/);
    expect(table).toMatch(/\| `aws-s3-versioning` \| [^|]+ \| aws \| mandatory \| advisory \|/);
  });
});
